import type { CredentialNotice } from '../../core/users/add-user.js';
import { describeError } from '../../log.js';
import type { ListenerDeps } from '../deps.js';
import { esc } from '../views/kit.js';
import { credentialNoticeMessage } from '../views/credential-notice.js';

/** DMs the credential notice to the admin and each chosen recipient; a failed DM is reported to the admin. */
export async function sendCredentials(deps: ListenerDeps, notice: CredentialNotice, adminId: string, recipients: readonly string[]): Promise<void> {
  const message = credentialNoticeMessage(notice, adminId, deps.core.now());
  const everyone = [adminId, ...recipients.filter((id) => id !== adminId)];
  const failed: string[] = [];
  for (const userId of everyone) {
    try {
      await deps.slack.dm(userId, message);
    } catch (error) {
      failed.push(userId);
      deps.logger.warn('credential notice not delivered', { recipient: userId, user: notice.userPrincipalName, ...describeError(error) });
    }
  }
  if (failed.length > 0 && !failed.includes(adminId)) {
    await deps.slack.dm(adminId, {
      text: `The credentials of ${esc(notice.userPrincipalName)} could not be sent to ${failed.map((id) => `<@${id}>`).join(', ')}. Pass them on yourself from the message above.`,
    });
  }
}
