import { addUser } from '../../../core/users/add-user.js';
import { openAddUserDraft } from '../../../core/users/add-user-draft.js';
import type { CoreError } from '../../../core/result.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { change } from '../../services/answer.js';
import { showView, type ViewListener } from '../../services/answering.js';
import { sendCredentials } from '../../services/send-credentials.js';
import { addUserResultView } from '../../views/add-user-result.js';
import { addUserRefusedView, reviewUnreadable } from '../../views/add-user-review.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

const problemsOf = (refusal: CoreError): string[] => refusal.fields?.map((p) => p.message) ?? [refusal.message];

/**
 * Finish on the Add user review. Everything is checked again (a rehearsal, as when the review was
 * made: someone may have taken the username or the last seat meanwhile); a refusal replaces the
 * review with why, and Back. Otherwise the ack shows the result with the temporary password (its
 * only showing; on a connected tenant, once the tenant made the user: the ack says it is asking)
 * and the user is made after it, with that password; the credentials then go to the
 * admin (and the chosen recipients) by DM; for a user with a start date, only on that day. If the user cannot be made after all (taken a moment
 * ago), the modal and a DM say so.
 */
export function addUserFinishSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: 'Add a user', working: 'Adding the user… the result follows here and by DM.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const draft = view.private_metadata ?? '';
      const input = openAddUserDraft(deps.secretKey, draft, actor, deps.core.now());
      if (!input) return { reply: showView(reviewUnreadable()) };
      const rehearsal = await addUser(deps.core, actor, input, { dryRun: true });
      if (!rehearsal.ok) return { reply: showView(addUserRefusedView(problemsOf(rehearsal), draft)) };
      // A connected tenant is asked after the ack, and may refuse: the modal says it is asking, then shows the result.
      const asking = rehearsal.tenantName
        ? messageModal('Add a user', `Adding ${esc(rehearsal.userPrincipalName)} to ${esc(rehearsal.tenantName)}… the result follows here and by DM.`)
        : null;
      return {
        reply: showView(asking ?? addUserResultView(rehearsal, actor.slackUserId, deps.core.now())),
        after: change('add the user', async () => {
          const result = await addUser(deps.core, actor, input, rehearsal.notice ? { temporaryPassword: rehearsal.notice.temporaryPassword } : {});
          if (!result.ok) {
            await deps.slack.updateView(view.id, addUserRefusedView(problemsOf(result), draft));
            await deps.slack.dm(actor.slackUserId, { text: `${esc(rehearsal.userPrincipalName)} was not added: ${esc(problemsOf(result).join(' '))}` });
            return;
          }
          deps.logger.info('user added', {
            team: actor.teamId,
            by: actor.slackUserId,
            user: result.userPrincipalName,
            startDate: result.start?.startDate ?? null,
          });
          if (asking) await deps.slack.updateView(view.id, addUserResultView(result, actor.slackUserId, deps.core.now()));
          // A user with a start date gets their credentials on that day (core/schedules/run-onboarding.ts), not now.
          if (result.notice) await sendCredentials(deps, result.notice, actor.slackUserId, result.credentialRecipients);
        }),
      };
    },
  };
}
