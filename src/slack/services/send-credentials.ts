import { holdCredential, noteCredentialMessage } from '../../core/credentials/hold-credential.js';
import { detailsOf } from '../../core/credentials/notice-details.js';
import type { CredentialNotice } from '../../core/users/add-user.js';
import { describeError } from '../../log.js';
import type { ListenerDeps } from '../deps.js';
import { esc } from '../views/kit.js';
import { credentialNoticeMessage } from '../views/credential-notice.js';

/**
 * DMs the credential notice to the admin and each chosen recipient; a failed DM is reported to the
 * admin. The DMs never hold the password: each recipient gets their own sealed copy behind a
 * **Show password** button (core/credentials), shown once within 24 hours, then destroyed.
 */
export async function sendCredentials(deps: ListenerDeps, notice: CredentialNotice, adminId: string, recipients: readonly string[]): Promise<void> {
  const details = detailsOf(notice);
  const everyone = [adminId, ...recipients.filter((id) => id !== adminId)];
  const failed: string[] = [];
  for (const userId of everyone) {
    try {
      const held = await holdCredential(deps.core, deps.secretKey, { notice, recipient: userId, sentBy: adminId });
      if (!held.ok) throw new Error(held.message);
      const posted = await deps.slack.dm(
        userId,
        credentialNoticeMessage(details, adminId, deps.core.now(), { kind: 'pending', id: held.id, expiresAt: held.expiresAt }),
      );
      await noteCredentialMessage(deps.core, held.id, posted);
    } catch (error) {
      failed.push(userId);
      deps.logger.warn('credential notice not delivered', { recipient: userId, user: notice.userPrincipalName, ...describeError(error) });
    }
  }
  if (failed.length > 0 && !failed.includes(adminId)) {
    await deps.slack.dm(adminId, {
      text: `The credentials of ${esc(notice.userPrincipalName)} could not be sent to ${failed.map((id) => `<@${id}>`).join(', ')}. Show the password from the message above and pass it on yourself.`,
    });
  }
}
