import { SYNCED_USER_LIFECYCLE } from '../refusals.js';
import { subDays } from 'date-fns';
import type { Authorized } from '../access/authorize.js';
import { mayActOnTarget, type Role } from '../roles.js';
import type { Db } from '../../store/database.js';
import { activeUserByUpn, activeUsersByAlias, rolesOf } from '../../store/directory-users.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import { deletedUsersByAlias, deletedUsersByUpn, type DeletedUserRecord } from '../../store/user-lifecycle.js';

/** docs/domain.md "Delete users": a deleted user is kept this long, then removed for good. */
export const DELETED_KEPT_DAYS = 30;

/** Users deleted at or before this moment are past their 30 days: no longer restorable, removed by the purge. */
export function purgeCutoff(now: Date): Date {
  return subDays(now, DELETED_KEPT_DAYS);
}

/** Most users one delete request may name (the list's bulk action and the command alike). */
export const MAX_DELETE_AT_ONCE = 100;

const cleanQuery = (query: string) =>
  query
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/^<mailto:[^|]*\|(.*)>$/i, '$1');

/** An active user by full username or, when unambiguous, the part before the @; else why not. */
export async function findActiveUser(db: Db, tenant: { id: string; name: string }, query: string): Promise<DirectoryUserRecord | string> {
  const wanted = cleanQuery(query);
  if (!wanted) return 'Say which user, by username (ana@contoso.com).';
  const exact = await activeUserByUpn(db, tenant.id, wanted);
  if (exact) return exact;
  if (!wanted.includes('@')) {
    const matches = await activeUsersByAlias(db, tenant.id, wanted, 5);
    if (matches.length > 1) return `"${wanted}" matches ${matches.map((m) => m.userPrincipalName).join(', ')}. Give the full username.`;
    if (matches[0]) return matches[0];
  }
  return `No user ${wanted} in ${tenant.name}.`;
}

/** A deleted user by username (or unambiguous alias): the most recently deleted one of that name. */
export async function findDeletedUser(db: Db, tenant: { id: string; name: string }, query: string): Promise<DeletedUserRecord | string> {
  const wanted = cleanQuery(query);
  if (!wanted) return 'Say which deleted user, by username (ana@contoso.com). `/users deleted` lists them.';
  const exact = await deletedUsersByUpn(db, tenant.id, wanted);
  if (exact[0]) return exact[0];
  if (!wanted.includes('@')) {
    const matches = await deletedUsersByAlias(db, tenant.id, wanted, 5);
    const names = new Set(matches.map((m) => m.userPrincipalName.toLowerCase()));
    if (names.size > 1) return `"${wanted}" matches deleted users ${[...names].join(', ')}. Give the full username.`;
    if (matches[0]) return matches[0];
  }
  return `No deleted user ${wanted} in ${tenant.name}. \`/users deleted\` lists the users who can be restored.`;
}

/** Why this actor may not delete this user (themselves, or someone above their role), or null. */
export function deleteRefusal(
  auth: Authorized,
  target: { id: string; userPrincipalName: string; source?: string },
  targetRoles: readonly Role[],
): string | null {
  if (auth.actorUserId === target.id) return 'You cannot delete yourself. Ask another admin.';
  if (target.source === 'synced') return `${target.userPrincipalName} ${SYNCED_USER_LIFECYCLE}`;
  const above = mayActOnTarget(auth.roles, targetRoles);
  return above ? `${target.userPrincipalName}: ${above}` : null;
}

/**
 * Why this actor may not act on this deleted user (restore it, or remove it for good), or null: the
 * who-may-act-on-whom rule of delete and reset, and a synced user is acted on on premises.
 */
export async function deletedUserRefusal(db: Db, auth: Authorized, user: DeletedUserRecord): Promise<string | null> {
  const above = mayActOnTarget(auth.roles, await rolesOf(db, user.id));
  if (above) return `${user.userPrincipalName}: ${above}`;
  if (user.source === 'synced') return `${user.userPrincipalName} ${SYNCED_USER_LIFECYCLE}`;
  return null;
}
