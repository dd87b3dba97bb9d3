import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { addUser } from '../../../core/users/add-user.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { parseAddUserForm } from '../../parse/add-user-form.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { afterAck } from '../../services/after-ack.js';
import { sendCredentials } from '../../services/send-credentials.js';
import { addUserReviewView } from '../../views/add-user-review.js';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** The Add user form's submit: mistakes go back onto their fields; success shows the review and sends the DMs. */
export function addUserSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const actor = actorFromBody(body);
    const { teamId } = actor;
    const state = new ViewState(view.state.values as ViewStateValues);
    const result = await addUser(deps.core, actor, parseAddUserForm(state));
    if (!result.ok) {
      const problems = result.fields ?? [{ field: 'alias', message: result.message }];
      await ack({ response_action: 'errors', errors: viewErrors(problems, state, 'alias') });
      return;
    }
    await ack({ response_action: 'update', view: addUserReviewView(result, actor.slackUserId, deps.core.now()) });
    deps.logger.info('user added', { team: teamId, by: actor.slackUserId, user: result.notice.userPrincipalName });
    await afterAck(deps, actor.slackUserId, 'send the credential notices', async () => {
      await sendCredentials(deps, result.notice, actor.slackUserId, result.credentialRecipients);
    });
  };
}
