import type { BlockAction } from '@slack/bolt';
import { findUsers } from '../../../core/users/find-users.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { selectedRows } from '../../parse/selected-rows.js';
import { read } from '../../services/answer.js';
import type { ActionArgs, OptionsArgs } from '../../services/answering.js';
import { openEditManyForm, openEditUserForm } from '../../services/user-change-forms.js';
import { option } from '../../views/kit.js';

type Args = ActionArgs<BlockAction>;

/** "Edit" beside a user (value: the user id) opens the Edit user form. */
export const editUserAction =
  (deps: ListenerDeps) =>
  ({ body, action }: Args) => {
    const userId = 'value' in action && typeof action.value === 'string' ? action.value : '';
    const actor = actorFromBody(body);
    return { after: read('open the Edit user form', () => openEditUserForm(deps, actor, body.trigger_id, userId)) };
  };

/** "Edit selected" under a list: the users ticked in its `user_rows…` checkboxes open Edit many. */
export const editSelectedAction =
  (deps: ListenerDeps) =>
  ({ body }: Args) => {
    const actor = actorFromBody(body);
    const selected = selectedRows(body, 'user_rows');
    return { after: read('open the Edit users form', () => openEditManyForm(deps, actor, body.trigger_id, selected)) };
  };

/** The type-ahead of the Edit many user picker: users whose username or name starts with what was typed (the ack is the answer). */
export const userPickerOptions =
  (deps: ListenerDeps) =>
  async ({ body, payload }: OptionsArgs) => {
    const found = await findUsers(deps.core, actorFromBody(body), payload.value ?? '');
    return { reply: { options: found.ok ? found.users.map((u) => option(`${u.displayName} (${u.userPrincipalName})`, u.id)) : [] } };
  };
