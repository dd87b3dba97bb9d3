import { isOperator } from '../context.js';
import { CoreFailure, fail } from '../result.js';
import { hasPermission, mayActOnTarget, type Permission, type Role } from '../roles.js';
import type { Db } from '../../store/database.js';
import { accessStateOf, memberRoles } from '../../store/directory-users.js';
import { countSignInAllowedGlobalAdmins } from '../../store/user-edits.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { forbiddenMessage, type Authorized } from './authorize.js';

/*
 * Who may act on whom, decided inside the transaction that writes. A use case checks first, outside
 * (so a form is answered at once), then again here with the roles as stored now: between the two,
 * another admin may have blocked, demoted or deleted the actor, or made the target a Global admin.
 * Every change to an existing or deleted user goes through `confirmActOnUser`; every change that can
 * take away a Global admin who can sign in ends with `keepSignInGlobalAdmin`.
 */

export interface ConfirmedTarget {
  /** The actor with their roles as stored now. */
  auth: Authorized;
  /** The target's roles and sign-in as stored now. */
  roles: Role[];
  accountEnabled: boolean;
}

/**
 * Inside the writing transaction: the actor still holds `permission` and may act on the user (a
 * Global admin on anyone, a User admin on anyone but a Global admin, a Helpdesk admin only on users
 * without an admin role). Throws a CoreFailure (rolling the transaction back) when not. Takes the
 * organization's lock first, so that two such transactions of one organization run one after the
 * other on any database.
 */
export async function confirmActOnUser(tx: Db, auth: Authorized, permission: Permission, userId: string): Promise<ConfirmedTarget> {
  const now = await reauthorize(tx, auth, permission);
  const state = await accessStateOf(tx, userId);
  if (!state) throw new CoreFailure(fail('not_found', 'That user no longer exists (removed a moment ago?).'));
  const refusal = mayActOnTarget(now.roles, state.roles);
  if (refusal) throw new CoreFailure(fail('forbidden', refusal));
  return { auth: now, roles: state.roles, accountEnabled: state.accountEnabled };
}

/**
 * Inside the writing transaction: the actor as stored now (a member's roles re-read; an operator's
 * are the ones the command line gave), refused when `permission` is gone (null: the caller decides
 * with the roles returned).
 */
export async function reauthorize(tx: Db, auth: Authorized, permission: Permission | null): Promise<Authorized> {
  await lockOrganization(tx, auth.tenant.id);
  if (isOperator(auth.actor)) return auth;
  const { userId, roles } = await memberRoles(tx, auth.tenant.id, auth.actor.slackUserId);
  const now: Authorized = { ...auth, actorUserId: userId, roles };
  if (permission && !hasPermission(roles, permission)) throw new CoreFailure(fail('forbidden', forbiddenMessage(now, permission)));
  return now;
}

/**
 * After a write that may have taken away a Global admin who can sign in (a block, a delete, a role
 * removed), inside the same transaction: when the user was one (`before`), at least one must be
 * left, else the transaction is rolled back with `refusal`. Counts only active admins who can sign in.
 */
export async function keepSignInGlobalAdmin(
  tx: Db,
  tenantId: string,
  before: { roles: readonly Role[]; accountEnabled: boolean },
  refusal: () => CoreFailure,
): Promise<void> {
  if (!before.roles.includes('global_admin') || !before.accountEnabled) return;
  if ((await countSignInAllowedGlobalAdmins(tx, tenantId)) === 0) throw refusal();
}
