import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { mayBuyLicenses } from '../../../core/licenses/buy-licenses.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { afterAck } from '../../services/after-ack.js';
import { openAddUserForm, openSetupForm } from '../../services/open-forms.js';
import { refreshHome } from '../../services/refresh-home.js';
import { buyLicensesModal } from '../../views/buy-licenses-modal.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const actorOf = (body: BlockAction) => actorFromBody(body);

export const openAddUserAction =
  (deps: ListenerDeps) =>
  async ({ ack, body }: Args) => {
    await ack();
    await afterAck(deps, body.user.id, 'open the Add user form', () => openAddUserForm(deps, actorOf(body), body.trigger_id));
  };

export const openSetupAction =
  (deps: ListenerDeps) =>
  async ({ ack, body }: Args) => {
    await ack();
    await afterAck(deps, body.user.id, 'open the setup form', () => openSetupForm(deps, actorOf(body), body.trigger_id, body.team?.domain));
  };

export const openBuyLicensesAction =
  (deps: ListenerDeps) =>
  async ({ ack, body }: Args) => {
    await ack();
    await afterAck(deps, body.user.id, 'open the Buy licenses form', async () => {
      const auth = await mayBuyLicenses(deps.core, actorOf(body));
      await deps.slack.openView(body.trigger_id, auth.ok ? buyLicensesModal() : messageModal('Buy licenses', esc(auth.message)));
    });
  };

export const refreshHomeAction =
  (deps: ListenerDeps) =>
  async ({ ack, body }: Args) => {
    await ack();
    const actor = actorOf(body);
    await afterAck(deps, actor.slackUserId, 'refresh your App Home', () => refreshHome(deps, actor.teamId, actor.slackUserId));
  };
