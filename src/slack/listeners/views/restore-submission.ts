import { restoreUser, type RestoreUserResult } from '../../../core/users/restore-user.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { change } from '../../services/answer.js';
import { fieldErrors, showView, type ViewListener } from '../../services/answering.js';
import { sendCredentials } from '../../services/send-credentials.js';
import { esc } from '../../views/kit.js';
import { restoredView } from '../../views/lifecycle-views.js';
import { messageModal } from '../../views/message-modal.js';

const TITLE = 'Restore user';

/**
 * The restore form: a rehearsal of the restore (rolled back) decides the ack, the field problems
 * or what the restore will give back; the restore itself follows the ack, and its new password
 * goes to the admin by DM. A restore whose ack Slack did not get is not made (services/answer.ts),
 * so no user is ever restored with a password nobody receives.
 */
export function restoreSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: {
      title: TITLE,
      working: 'Restoring the user… the result follows here, and the new password by DM.',
      refused: (problems) => `Nothing was restored: ${problems} Open the form again with \`/users restore\`.`,
    },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const input = { user: view.private_metadata, byId: true, alias: state.text('alias') ?? '' };
      const rehearsal = await restoreUser(deps.core, actor, { ...input, dryRun: true });
      if (!rehearsal.ok) return { reply: fieldErrors(viewErrors(rehearsal.fields ?? [{ field: 'alias', message: rehearsal.message }], state, 'alias')) };
      // A connected tenant is asked after the ack, and may refuse: the modal says it is asking, then what it answered.
      const asking = rehearsal.tenantName
        ? messageModal(
            TITLE,
            `Restoring ${esc(rehearsal.notice.userPrincipalName)} in ${esc(rehearsal.tenantName)}… the result follows here, and the new password by DM.`,
          )
        : null;
      return {
        reply: showView(asking ?? restoredView(rehearsal)),
        after: change('restore the user', async () => {
          const result = await restoreUser(deps.core, actor, input);
          if (!result.ok) {
            const text = `${rehearsal.notice.userPrincipalName} was not restored: ${result.message}`;
            await deps.slack.updateView(view.id, messageModal(TITLE, esc(text)));
            await deps.slack.dm(actor.slackUserId, { text: esc(text) });
            return;
          }
          deps.logger.info('user restored', { team: actor.teamId, by: actor.slackUserId, user: result.notice.userPrincipalName });
          await sendCredentials(deps, result.notice, actor.slackUserId, []);
          // Someone took a seat between the rehearsal and the restore: the modal says what was really given back.
          if (asking || !sameOutcome(rehearsal, result)) await deps.slack.updateView(view.id, restoredView(result));
        }),
      };
    },
  };
}

function sameOutcome(a: RestoreUserResult, b: RestoreUserResult): boolean {
  const outcome = (r: RestoreUserResult) => JSON.stringify([r.notice.userPrincipalName, r.licensesGiven, r.licensesNotGiven, r.slackLinkDropped]);
  return outcome(a) === outcome(b);
}
