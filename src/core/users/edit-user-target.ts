import type { CoreContext } from '../context.js';
import type { Authorized } from '../access/authorize.js';
import { fail, type CoreError } from '../result.js';
import { mayActOnTarget, permissionWords, roleLabels, rolesGranting, type Permission, type Role } from '../roles.js';
import { activeUserByUpn, activeUsersByAlias, rolesOf } from '../../store/directory-users.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import { activeUpnById } from '../../store/user-edits.js';
import { USER_GONE_FIND_AGAIN } from '../refusals.js';

/** Who a change is about: a user id (buttons, forms) or what someone typed (commands, the CLI). */
export type TargetRef = { userId: string } | { username: string };

export interface Target {
  user: DirectoryUserRecord;
  roles: Role[];
}

/**
 * The active user a change is about, with their roles. A typed name is a full username or, when
 * unambiguous, the part before the @ (as `/users show`).
 */
export async function loadTarget(ctx: CoreContext, auth: Authorized, ref: TargetRef): Promise<({ ok: true } & Target) | CoreError> {
  const tenantId = auth.tenant.id;
  let user: DirectoryUserRecord | null = null;
  if ('userId' in ref) {
    const upn = await activeUpnById(ctx.db, tenantId, ref.userId);
    user = upn ? await activeUserByUpn(ctx.db, tenantId, upn) : null;
    if (!user) return fail('not_found', USER_GONE_FIND_AGAIN);
  } else {
    const wanted = ref.username
      .trim()
      .replace(/^mailto:/i, '')
      .toLowerCase();
    if (!wanted) return fail('invalid_input', 'Say which user, for example `ana@contoso.com`.');
    user = await activeUserByUpn(ctx.db, tenantId, wanted);
    if (!user && !wanted.includes('@')) {
      const matches = await activeUsersByAlias(ctx.db, tenantId, wanted, 5);
      if (matches.length > 1)
        return fail('invalid_input', `"${ref.username.trim()}" matches ${matches.map((m) => m.userPrincipalName).join(', ')}. Give the full username.`);
      user = matches[0] ?? null;
    }
    if (!user) return fail('not_found', `No user ${ref.username.trim()} in ${auth.tenant.name}. Check the spelling.`);
  }
  return { ok: true, user, roles: await rolesOf(ctx.db, user.id) };
}

/** The sentence refusing a permission the actor lacks, naming the roles that grant it. */
export function needsRole(permission: Permission): string {
  return `To ${permissionWords(permission)} you need one of these roles: ${roleLabels(rolesGranting(permission))}.`;
}

/** Why this actor may not act on this user (a Helpdesk admin on an admin, a User admin on a Global admin), or null. */
export function targetRefusal(auth: Authorized, target: Target): string | null {
  return mayActOnTarget(auth.roles, target.roles);
}

export function isSynced(target: Target): boolean {
  return target.user.source === 'synced';
}
