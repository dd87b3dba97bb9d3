import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { setupTenant } from '../../../core/tenant/setup-tenant.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { afterAck } from '../../services/after-ack.js';
import { sendCredentials } from '../../services/send-credentials.js';
import { setupDoneView } from '../../views/setup-modal.js';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

export function setupSubmission(deps: ListenerDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const actor = actorFromBody(body);
    const { teamId } = actor;
    const state = new ViewState(view.state.values as ViewStateValues);
    const expiryText = (state.text('passwordExpiryDays') ?? '90').trim();
    // The requester's standing is read from Slack again here: the form could be old.
    const profile = await deps.slack.userProfile(actor.slackUserId);
    const result = await setupTenant(deps.core, actor, {
      organizationName: state.text('organizationName') ?? '',
      initialDomain: state.text('initialDomain') ?? '',
      passwordExpiryDays: /^\d+$/.test(expiryText) ? Number(expiryText) : -1,
      requester: { ...profile, isWorkspaceOwnerOrAdmin: profile.isOwnerOrAdmin, isBootstrapAdmin: deps.bootstrapAdmins.includes(actor.slackUserId) },
    });
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: viewErrors(result.fields ?? [{ field: 'organizationName', message: result.message }], state, 'organizationName') });
      return;
    }
    await ack({ response_action: 'update', view: setupDoneView(result) });
    deps.logger.info('organization set up', { team: teamId, by: actor.slackUserId, domain: result.initialDomain });
    await afterAck(deps, actor.slackUserId, 'finish the setup', async () => {
      await sendCredentials(deps, result.notice, actor.slackUserId, []);
    });
  };
}
