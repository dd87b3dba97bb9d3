import type { App } from '@slack/bolt';
import { z } from 'zod';
import { productUsers } from '../../core/licenses/product-users.js';
import { deleteUsers } from '../../core/users/delete-users.js';
import { setUserLicenses } from '../../core/licenses/set-user-licenses.js';
import { USER_LICENSES_CALLBACK } from '../views/user-licenses-modal.js';
import { findUsers } from '../../core/users/find-users.js';
import { restoreUser } from '../../core/users/restore-user.js';
import type { ListenerDeps } from '../deps.js';
import { actorFromBody } from '../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../parse/view-state.js';
import { afterAck } from '../services/after-ack.js';
import { sendCredentials } from '../services/send-credentials.js';
import { option, textMessage } from '../views/kit.js';
import { LIFECYCLE } from '../views/lifecycle-ids.js';
import { productUsersMessage } from '../views/licenses-page-views.js';
import { runProductChange } from '../services/product-change.js';
import { deleteResultMessage, restoredView } from '../views/lifecycle-views.js';
import { VALUE } from '../views/ids.js';

const userIdsSchema = z.array(z.string().min(1)).max(100);

/** The delete confirmation's user ids (set by Roster's own modal); anything unreadable deletes nobody. */
function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text || '[]');
  } catch {
    return [];
  }
}

/** Delete confirmation, restore form, the Licenses page forms, their user type-ahead and the "Users" buttons. */
export function registerLifecycleListeners(app: App, deps: ListenerDeps): void {
  app.view(LIFECYCLE.deleteUsers, async ({ ack, body, view }) => {
    await ack();
    const actor = actorFromBody(body);
    const parsed = userIdsSchema.safeParse(parseJson(view.private_metadata));
    await afterAck(deps, actor.slackUserId, 'delete the users', async () => {
      const result = await deleteUsers(deps.core, actor, { userIds: parsed.success ? parsed.data : [] });
      await deps.slack.dm(actor.slackUserId, result.ok ? deleteResultMessage(result) : textMessage(result.message));
    });
  });

  app.view(LIFECYCLE.restoreUser, async ({ ack, body, view }) => {
    const actor = actorFromBody(body);
    const state = new ViewState(view.state.values as ViewStateValues);
    const result = await restoreUser(deps.core, actor, { user: view.private_metadata, byId: true, alias: state.text('alias') ?? '' });
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: viewErrors(result.fields ?? [{ field: 'alias', message: result.message }], state, 'alias') });
      return;
    }
    await ack({ response_action: 'update', view: restoredView(result) });
    deps.logger.info('user restored', { team: actor.teamId, by: actor.slackUserId, user: result.notice.userPrincipalName });
    await afterAck(deps, actor.slackUserId, 'send the credential notice', () => sendCredentials(deps, result.notice, actor.slackUserId, []));
  });

  for (const direction of ['assign', 'unassign'] as const) {
    app.view(direction === 'assign' ? LIFECYCLE.assignProduct : LIFECYCLE.unassignProduct, async ({ ack, body, view }) => {
      const actor = actorFromBody(body);
      const values = view.state.values as ViewStateValues;
      const ids = (values[LIFECYCLE.usersBlock]?.[VALUE]?.selected_options ?? []).map((o) => o.value);
      if (ids.length === 0) {
        await ack({ response_action: 'errors', errors: { [LIFECYCLE.usersBlock]: 'Pick at least one user.' } });
        return;
      }
      const disabledPlans = (values[LIFECYCLE.appsBlock]?.[VALUE]?.selected_options ?? []).map((o) => o.value);
      await ack();
      await afterAck(deps, actor.slackUserId, `${direction} the licenses`, () =>
        runProductChange(deps, actor, { product: view.private_metadata, users: { ids }, disabledPlans }, direction),
      );
    });
  }

  app.view(USER_LICENSES_CALLBACK, async ({ ack, body, view }) => {
    const actor = actorFromBody(body);
    const state = new ViewState(view.state.values as ViewStateValues);
    const choices = state.selectedMany('licenses').map((skuId) => ({ skuId, disabledPlans: state.selectedMany(`apps:${skuId}`) }));
    const result = await setUserLicenses(deps.core, actor, view.private_metadata, choices);
    await ack(
      result.ok
        ? { response_action: 'clear' }
        : { response_action: 'errors', errors: viewErrors(result.fields ?? [{ field: 'licenses', message: result.message }], state, 'licenses') },
    );
  });

  // Type-ahead of the Licenses page user picker: the first 20 users whose name or username starts with the text.
  app.options<'block_suggestion'>({ type: 'block_suggestion', block_id: LIFECYCLE.usersBlock, action_id: VALUE }, async ({ ack, body, payload }) => {
    const found = await findUsers(deps.core, actorFromBody(body), payload.value ?? '');
    await ack({ options: found.ok ? found.users.map((u) => option(`${u.displayName} (${u.userPrincipalName})`, u.id)) : [] });
  });

  app.action(new RegExp(`^${LIFECYCLE.productUsers}:`), async ({ ack, body, action }) => {
    await ack();
    const actor = actorFromBody(body as { team?: { id: string } | null; user: { id: string } });
    const partNumber = 'value' in action && typeof action.value === 'string' ? action.value : '';
    await afterAck(deps, actor.slackUserId, "list the product's users", async () => {
      const result = await productUsers(deps.core, actor, partNumber);
      await deps.slack.dm(actor.slackUserId, result.ok ? productUsersMessage(result.product, result.users, result.count) : textMessage(result.message));
    });
  });
}
