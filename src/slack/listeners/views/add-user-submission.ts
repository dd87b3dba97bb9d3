import { addUser, checkAddUser } from '../../../core/users/add-user.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { parseAddUserForm } from '../../parse/add-user-form.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { change } from '../../services/answer.js';
import { fieldErrors, showView, type ViewListener } from '../../services/answering.js';
import { sendCredentials } from '../../services/send-credentials.js';
import { addUserReviewView } from '../../views/add-user-review.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

const TITLE = 'Add a user';
const nothingAdded = (problems: string) => `Nothing was added: ${problems} Open the form again with \`/users add\`.`;

/**
 * The Add user form's submit. The plan is the core's checks (nothing written): mistakes go back
 * onto their fields, or the ack shows the review with the temporary password (its only showing).
 * The user is made after the ack, with that password; the credentials then go to the admin (and
 * the chosen recipients) by DM for every user made. If the user cannot be made after all (the
 * username was taken a moment ago), the modal and a DM say so.
 */
export function addUserSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: TITLE, working: 'Adding the user… the result follows here and by DM.', refused: nothingAdded },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const input = parseAddUserForm(state);
      const plan = await checkAddUser(deps.core, actor, input);
      if (!plan.ok) return { reply: fieldErrors(viewErrors(plan.fields ?? [{ field: 'alias', message: plan.message }], state, 'alias')) };
      return {
        reply: showView(addUserReviewView(plan, actor.slackUserId, deps.core.now())),
        after: change('add the user', async () => {
          const result = await addUser(deps.core, actor, input, { temporaryPassword: plan.notice.temporaryPassword });
          if (!result.ok) {
            const problems = esc((result.fields?.map((p) => p.message) ?? [result.message]).join(' '));
            await deps.slack.updateView(view.id, messageModal(TITLE, nothingAdded(problems)));
            await deps.slack.dm(actor.slackUserId, { text: `${esc(plan.notice.userPrincipalName)} was not added: ${problems}` });
            return;
          }
          deps.logger.info('user added', { team: actor.teamId, by: actor.slackUserId, user: result.notice.userPrincipalName });
          await sendCredentials(deps, result.notice, actor.slackUserId, result.credentialRecipients);
        }),
      };
    },
  };
}
