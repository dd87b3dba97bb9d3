import { heldNoticeToPost, noteCredentialMessage } from '../../core/credentials/hold-credential.js';
import { describeError } from '../../log.js';
import type { ListenerDeps } from '../deps.js';
import { credentialNoticeMessage } from '../views/credential-notice.js';

/**
 * Posts the notices of credentials held earlier (a bulk reset or restore holds them in the step
 * that set each password): each to its recipient, with its Show password button, and remembers
 * where it went. One already posted, shown or destroyed is skipped, so a job run again posts only
 * what is left. A notice the admin who asked cannot get is an error (the job tries again: the
 * password must reach someone); one for another recipient is reported back.
 */
export async function postHeldNotices(deps: ListenerDeps, ids: readonly string[]): Promise<{ recipient: string; userPrincipalName: string }[]> {
  const undelivered: { recipient: string; userPrincipalName: string }[] = [];
  for (const id of ids) {
    const held = await heldNoticeToPost(deps.core, id);
    if (!held) continue;
    try {
      const posted = await deps.slack.dm(
        held.recipient,
        credentialNoticeMessage(held.details, held.sentBy, deps.core.now(), { kind: 'pending', id: held.id, expiresAt: held.expiresAt }),
      );
      await noteCredentialMessage(deps.core, held.id, posted);
    } catch (error) {
      if (held.recipient === held.sentBy) throw error;
      undelivered.push({ recipient: held.recipient, userPrincipalName: held.details.userPrincipalName });
      deps.logger.warn('credential notice not delivered', { recipient: held.recipient, user: held.details.userPrincipalName, ...describeError(error) });
    }
  }
  return undelivered;
}
