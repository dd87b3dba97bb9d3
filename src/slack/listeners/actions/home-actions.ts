import type { BlockAction } from '@slack/bolt';
import { mayBuyLicenses } from '../../../core/licenses/buy-licenses.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { read } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { openAddUserForm, openSetupForm } from '../../services/open-forms.js';
import { refreshHome } from '../../services/refresh-home.js';
import { buyLicensesModal } from '../../views/buy-licenses-modal.js';
import { esc } from '../../views/kit.js';
import { messageModal } from '../../views/message-modal.js';

type Args = ActionArgs<BlockAction>;

/** The App Home's buttons: each opens a form (or says why not), or redraws the Home, after the ack. */
export const openAddUserAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => ({ after: read('open the Add user form', () => openAddUserForm(deps, actorFromBody(body), body.trigger_id)) });

export const openSetupAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => ({ after: read('open the setup form', () => openSetupForm(deps, actorFromBody(body), body.trigger_id, body.team?.domain)) });

export const openBuyLicensesAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => ({
    after: read('open the Buy licenses form', async () => {
      const auth = await mayBuyLicenses(deps.core, actorFromBody(body));
      await deps.slack.openView(body.trigger_id, auth.ok ? buyLicensesModal() : messageModal('Buy licenses', esc(auth.message)));
    }),
  });

export const refreshHomeAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => {
    const actor = actorFromBody(body);
    return { after: read('refresh your App Home', () => refreshHome(deps, actor.teamId, actor.slackUserId)) };
  };
