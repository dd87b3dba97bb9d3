import { setupInputProblems, setupTenant } from '../../../core/tenant/setup-tenant.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../../parse/view-state.js';
import { change } from '../../services/answer.js';
import { fieldErrors, showView, type ViewListener } from '../../services/answering.js';
import { sendCredentials } from '../../services/send-credentials.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';
import { setupDoneView } from '../../views/setup-modal.js';

const TITLE = 'Set up Roster';

/**
 * The setup form's submit. The form's own mistakes go back onto their fields at once; then the ack
 * ("Setting up…") goes before anything slow or external: the requester's standing is read from
 * Slack (users.info, which Slack may rate-limit) only after it, and the modal is updated with the
 * result. An organization that is made always reaches its first admin: the credentials go by DM.
 */
export function setupSubmission(deps: ListenerDeps): ViewListener {
  return {
    look: { title: TITLE, working: 'Setting up… this takes a moment.' },
    plan: ({ body, view }) => {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const expiryText = (state.text('passwordExpiryDays') ?? '90').trim();
      const input = {
        organizationName: state.text('organizationName') ?? '',
        initialDomain: state.text('initialDomain') ?? '',
        passwordExpiryDays: /^\d+$/.test(expiryText) ? Number(expiryText) : -1,
      };
      const checked = setupInputProblems(input);
      if (!checked.ok) return { reply: fieldErrors(viewErrors(checked.fields ?? [], state, 'organizationName')) };
      return {
        reply: showView(messageModal(TITLE, `Setting up *${esc(checked.name)}*… this takes a moment.`)),
        after: change('finish the setup', async () => {
          // The requester's standing is read from Slack again here: the form could be old.
          const profile = await deps.slack.userProfile(actor.slackUserId);
          const result = await setupTenant(deps.core, actor, {
            ...input,
            requester: { ...profile, isWorkspaceOwnerOrAdmin: profile.isOwnerOrAdmin, isBootstrapAdmin: deps.bootstrapAdmins.includes(actor.slackUserId) },
          });
          if (!result.ok) {
            await deps.slack.updateView(view.id, messageModal(TITLE, result.message));
            return;
          }
          deps.logger.info('organization set up', { team: actor.teamId, by: actor.slackUserId, domain: result.initialDomain });
          await sendCredentials(deps, result.notice, actor.slackUserId, []);
          await deps.slack.updateView(view.id, setupDoneView(result));
        }),
      };
    },
  };
}
