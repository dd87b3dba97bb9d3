import { z } from 'zod';
import { productUsers } from '../../core/licenses/product-users.js';
import { setUserLicenses } from '../../core/licenses/set-user-licenses.js';
import { findUsers } from '../../core/users/find-users.js';
import { deleteUsers } from '../../core/users/delete-users.js';
import { purgeDeletedUser } from '../../core/users/purge-user.js';
import { actorFromBody } from '../parse/actor.js';
import { ViewState, viewErrors, type ViewStateValues } from '../parse/view-state.js';
import { change, read } from '../services/answer.js';
import { fieldErrors, type Answering } from '../services/answering.js';
import { changeProductToDm } from '../services/product-change-to-dm.js';
import { VALUE } from '../views/ids.js';
import { esc, option, textMessage } from '../views/kit.js';
import { LIFECYCLE } from '../views/lifecycle-ids.js';
import { productUsersMessage } from '../views/licenses-page-views.js';
import { deleteResultMessage } from '../views/lifecycle-views.js';
import { USER_LICENSES_CALLBACK } from '../views/user-licenses-modal.js';
import { restoreSubmission } from './views/restore-submission.js';

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
export function registerLifecycleListeners(on: Answering): void {
  on.view(LIFECYCLE.deleteUsers, (deps) => ({
    look: { title: 'Delete users', working: 'Deleting the users… the result follows by DM.' },
    plan: ({ body, view }) => {
      const actor = actorFromBody(body);
      const parsed = userIdsSchema.safeParse(parseJson(view.private_metadata));
      return {
        after: change('delete the users', async () => {
          const result = await deleteUsers(deps.core, actor, { userIds: parsed.success ? parsed.data : [] });
          await deps.slack.dm(actor.slackUserId, result.ok ? deleteResultMessage(result) : textMessage(result.message));
        }),
      };
    },
  }));

  on.view(LIFECYCLE.restoreUser, restoreSubmission);

  on.view(LIFECYCLE.purgeUser, (deps) => ({
    look: { title: 'Delete permanently', working: 'Deleting the user permanently… the result follows by DM.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const input = { user: view.private_metadata, confirm: new ViewState(view.state.values as ViewStateValues).text('confirm') ?? '' };
      const rehearsal = await purgeDeletedUser(deps.core, actor, { ...input, dryRun: true });
      if (!rehearsal.ok) return { reply: fieldErrors({ confirm: rehearsal.fields?.[0]?.message ?? rehearsal.message }) };
      return {
        after: change('delete the user permanently', async () => {
          const result = await purgeDeletedUser(deps.core, actor, input);
          const said = result.ok
            ? `Removed ${result.userPrincipalName} for good: it can no longer be restored.`
            : result.code === 'pending_approval'
              ? result.message
              : `Nothing was removed: ${result.message}`;
          await deps.slack.dm(actor.slackUserId, textMessage(said));
        }),
      };
    },
  }));

  for (const direction of ['assign', 'unassign'] as const) {
    on.view(direction === 'assign' ? LIFECYCLE.assignProduct : LIFECYCLE.unassignProduct, (deps) => ({
      look: { title: direction === 'assign' ? 'Assign licenses' : 'Unassign licenses', working: 'Working on it… the results follow by DM.' },
      plan: ({ body, view }) => {
        const actor = actorFromBody(body);
        const values = view.state.values as ViewStateValues;
        const userIds = (values[LIFECYCLE.usersBlock]?.[VALUE]?.selected_options ?? []).map((o) => o.value);
        if (userIds.length === 0) return { reply: fieldErrors({ [LIFECYCLE.usersBlock]: 'Pick at least one user.' }) };
        const disabledPlans = (values[LIFECYCLE.appsBlock]?.[VALUE]?.selected_options ?? []).map((o) => o.value);
        const input = { product: view.private_metadata, userIds, disabledPlans };
        return { after: change(`${direction} the licenses`, () => changeProductToDm(deps, actor, direction, input)) };
      },
    }));
  }

  on.view(USER_LICENSES_CALLBACK, (deps) => ({
    look: { title: 'Licenses', working: 'Changing the licenses… you get a DM only if they cannot be changed.' },
    async plan({ body, view }) {
      const actor = actorFromBody(body);
      const state = new ViewState(view.state.values as ViewStateValues);
      const choices = state.selectedMany('licenses').map((skuId) => ({ skuId, disabledPlans: state.selectedMany(`apps:${skuId}`) }));
      const rehearsal = await setUserLicenses(deps.core, actor, view.private_metadata, choices, { dryRun: true });
      if (!rehearsal.ok) return { reply: fieldErrors(viewErrors(rehearsal.fields ?? [{ field: 'licenses', message: rehearsal.message }], state, 'licenses')) };
      return {
        reply: { response_action: 'clear' },
        after: change('change the licenses', async () => {
          const result = await setUserLicenses(deps.core, actor, view.private_metadata, choices);
          if (!result.ok) await deps.slack.dm(actor.slackUserId, { text: esc(`The licenses were not changed: ${result.message}`) });
        }),
      };
    },
  }));

  // Type-ahead of the Licenses page user picker: the first 20 users whose name or username starts with the text.
  on.options({ type: 'block_suggestion', block_id: LIFECYCLE.usersBlock, action_id: VALUE }, (deps) => async ({ body, payload }) => {
    const found = await findUsers(deps.core, actorFromBody(body), payload.value ?? '');
    return { reply: { options: found.ok ? found.users.map((u) => option(`${u.displayName} (${u.userPrincipalName})`, u.id)) : [] } };
  });

  on.action(new RegExp(`^${LIFECYCLE.productUsers}:`), (deps) => ({ body, action }) => {
    const actor = actorFromBody(body as { team?: { id: string } | null; user: { id: string } });
    const partNumber = 'value' in action && typeof action.value === 'string' ? action.value : '';
    return {
      after: read("list the product's users", async () => {
        const result = await productUsers(deps.core, actor, partNumber);
        await deps.slack.dm(actor.slackUserId, result.ok ? productUsersMessage(result.product, result.users, result.count) : textMessage(result.message));
      }),
    };
  });
}
