import { findUsers } from '../../../core/users/find-users.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import type { Plan } from '../../services/answer.js';
import type { OptionsArgs, OptionsReply } from '../../services/answering.js';
import { NO_MANAGER } from '../../views/edit-user-modal.js';
import { option } from '../../views/kit.js';

/** How many users the Manager picker offers for what was typed. */
const MANAGER_CHOICES = 20;

/**
 * The Edit user form's Manager picker: "No manager", then the organization's users whose name or
 * username starts as typed (the `/users find` search). The core decides whether the one chosen may
 * be the manager when the form is saved.
 */
export const managerOptions =
  (deps: ListenerDeps) =>
  async ({ body, payload }: OptionsArgs): Promise<Plan<OptionsReply>> => {
    const found = await findUsers(deps.core, actorFromBody(body), payload.value ?? '', MANAGER_CHOICES);
    const users = found.ok ? found.users.map((u) => option(`${u.displayName} (${u.userPrincipalName})`, u.id)) : [];
    return { reply: { options: [option('No manager', NO_MANAGER), ...users] } };
  };
