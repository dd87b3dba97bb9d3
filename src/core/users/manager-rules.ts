import type { Db } from '../../store/database.js';
import { activeUserByUpn, activeUsersByAlias } from '../../store/directory-users.js';
import { managersAbove } from '../../store/managers.js';
import { activeUpnById } from '../../store/user-edits.js';

/**
 * A user's manager (docs/domain.md "Managers"; the admin center's user > Account > Manager, Entra's
 * `manager`): another active user of the same organization, never the user themselves, and never
 * one who reports to the user (directly or through others), which would make a loop.
 */

/** Who is named as manager: a user id (the form's picker) or what was typed (a username, or an alias when unambiguous). */
export type ManagerRef = { userId: string } | { username: string };

/** How far up a chain of managers the loop check looks (far beyond any real organization's depth). */
export const MANAGER_CHAIN_LIMIT = 200;

export const OWN_MANAGER = "A user can't be their own manager.";

/** The active user of this organization a manager reference names, or why none. */
export async function resolveManager(
  db: Db,
  tenantId: string,
  ref: ManagerRef,
): Promise<{ ok: true; id: string; userPrincipalName: string } | { ok: false; message: string }> {
  if ('userId' in ref) {
    const upn = await activeUpnById(db, tenantId, ref.userId);
    return upn
      ? { ok: true, id: ref.userId, userPrincipalName: upn }
      : { ok: false, message: 'That manager is no longer a user here (deleted a moment ago?). Choose another.' };
  }
  const typed = ref.username.trim().replace(/^mailto:/i, '');
  if (!typed) return { ok: false, message: 'Name the manager by their username, for example `ana@contoso.com`.' };
  let user = await activeUserByUpn(db, tenantId, typed);
  if (!user && !typed.includes('@')) {
    const matches = await activeUsersByAlias(db, tenantId, typed, 5);
    if (matches.length > 1)
      return { ok: false, message: `Manager "${typed}" matches ${matches.map((m) => m.userPrincipalName).join(', ')}. Give the full username.` };
    user = matches[0] ?? null;
  }
  if (!user) return { ok: false, message: `Manager ${typed} not found: no active user has that username here.` };
  return { ok: true, id: user.id, userPrincipalName: user.userPrincipalName };
}

/** Why `manager` may not be `user`'s manager (themselves, or a loop), or null. Read again in the writing transaction. */
export async function managerLoopProblem(
  db: Db,
  tenantId: string,
  user: { id: string; userPrincipalName: string },
  manager: { id: string; userPrincipalName: string },
): Promise<string | null> {
  if (manager.id === user.id) return OWN_MANAGER;
  const above = await managersAbove(db, tenantId, manager.id, MANAGER_CHAIN_LIMIT);
  const at = above.findIndex((m) => m.id === user.id);
  if (at < 0) return null;
  const path = [manager.userPrincipalName, ...above.slice(0, at + 1).map((m) => m.userPrincipalName)].join(' → ');
  return `${manager.userPrincipalName} reports to ${user.userPrincipalName} (${path}), so they can't also be ${user.userPrincipalName}'s manager: managers may not go round in a loop.`;
}
