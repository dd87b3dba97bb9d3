import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { addUser } from '../../../core/users/add-user.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { parseAddUserForm } from '../../parse/add-user-form.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { safeAck, within } from '../../services/ack-deadline.js';
import { afterAck } from '../../services/after-ack.js';
import { sendCredentials } from '../../services/send-credentials.js';
import { addUserReviewView } from '../../views/add-user-review.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/**
 * The Add user form's submit: mistakes go back onto their fields; success shows the review and sends
 * the DMs. Under load (a slow password hash behind many others) the work may not end within the ack
 * budget: then the modal is acked with "Adding…" and updated when the work ends, and a user who was
 * made always gets their credentials to the admin by DM, whether or not any ack reached Slack.
 */
export function addUserSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const started = Date.now();
    const actor = actorFromBody(body);
    const { teamId } = actor;
    const state = new ViewState(view.state.values as ViewStateValues);
    const work = addUser(deps.core, actor, parseAddUserForm(state));
    const early = await within(work, Math.max(0, deps.ackBudgetMs - (Date.now() - started)));
    if (!early)
      await safeAck(deps, ack, { response_action: 'update', view: messageModal('Add a user', 'Adding the user… the result follows here and by DM.') });
    const result = early ? early.value : await work;
    if (!result.ok) {
      const problems = result.fields ?? [{ field: 'alias', message: result.message }];
      if (early) await safeAck(deps, ack, { response_action: 'errors', errors: viewErrors(problems, state, 'alias') });
      else
        await deps.slack
          .updateView(
            view.id,
            messageModal('Add a user', `Nothing was added: ${esc(problems.map((p) => p.message).join(' '))} Open the form again with \`/users add\`.`),
          )
          .catch(() => undefined);
      return;
    }
    const review = addUserReviewView(result, actor.slackUserId, deps.core.now());
    if (early) await safeAck(deps, ack, { response_action: 'update', view: review });
    deps.logger.info('user added', { team: teamId, by: actor.slackUserId, user: result.notice.userPrincipalName });
    await afterAck(deps, actor.slackUserId, 'send the credential notices', async () => {
      await sendCredentials(deps, result.notice, actor.slackUserId, result.credentialRecipients);
      if (!early) await deps.slack.updateView(view.id, review);
    });
  };
}
