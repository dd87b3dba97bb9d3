import type { BlockAction, ButtonAction } from '@slack/bolt';
import { revealCredential } from '../../../core/credentials/reveal-credential.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { change } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { alreadyViewedText, credentialNoticeMessage, expiredText, passwordGoneModal, revealedPasswordModal } from '../../views/credential-notice.js';
import { esc } from '../../views/kit.js';

type Args = ActionArgs<BlockAction<ButtonAction>>;

/**
 * **Show password** on a credential notice: the core shows the password once to the member it was
 * sent to and destroys it; the modal shows it (no history keeps a modal) and the DM is redrawn to
 * say when and to whom it was shown. Anyone else, a second press, or a press after 24 hours gets
 * a modal that says why there is nothing to show. Showing destroys the password: a change, made
 * only when Slack got the ack.
 */
export const showPasswordAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => {
    const actor = actorFromBody(body);
    const id = body.actions[0]?.value ?? '';
    return {
      after: change('show the password', async () => {
        const result = await revealCredential(deps.core, deps.secretKey, actor, id);
        if (!result.ok) {
          deps.logger.info('password reveal refused', { by: actor.slackUserId, reason: result.code });
          await deps.slack.openView(body.trigger_id, passwordGoneModal(esc(result.message)));
          return;
        }
        const { outcome } = result;
        const now = deps.core.now();
        switch (outcome.kind) {
          case 'revealed': {
            deps.logger.info('password shown', { by: actor.slackUserId, user: outcome.details.userPrincipalName });
            try {
              await deps.slack.openView(body.trigger_id, revealedPasswordModal(outcome.details, outcome.password));
            } catch (error) {
              // Destroyed already: say so rather than leave the member waiting.
              await deps.slack.dm(actor.slackUserId, {
                text: `Slack did not open the window with the temporary password of ${esc(outcome.details.userPrincipalName)}, and Roster has destroyed it. Reset the user's password to get a new one.`,
              });
              throw error;
            } finally {
              if (outcome.message) {
                await deps.slack.updateMessage(
                  outcome.message.channel,
                  outcome.message.ts,
                  credentialNoticeMessage(outcome.details, outcome.sentBy, now, { kind: 'viewed', viewedBy: actor.slackUserId, viewedAt: outcome.viewedAt }),
                );
              }
            }
            return;
          }
          case 'already_viewed':
            await deps.slack.openView(body.trigger_id, passwordGoneModal(alreadyViewedText(outcome.details, outcome.viewedBy, outcome.viewedAt)));
            return;
          case 'expired':
            await deps.slack.openView(body.trigger_id, passwordGoneModal(expiredText(outcome.details, outcome.expiredAt)));
            if (outcome.message) {
              await deps.slack.updateMessage(
                outcome.message.channel,
                outcome.message.ts,
                credentialNoticeMessage(outcome.details, outcome.sentBy, now, { kind: 'expired', expiredAt: outcome.expiredAt }),
              );
            }
        }
      }),
    };
  };
