import { cancelStartOf } from '../schedules/onboarding.js';
import { addDays } from 'date-fns';
import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { changeDirectory } from '../directory/change-directory.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { writeAudit } from '../../store/audit.js';
import { rolesOf } from '../../store/directory-users.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import { licensesOf } from '../../store/seat-ledger.js';
import { releaseAllLicenses } from '../licenses/change-user-licenses.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { countSignInAllowedGlobalAdmins } from '../../store/user-edits.js';
import { activeUsernameById } from '../../store/user-lifecycle.js';
import { confirmActOnUser, keepSignInGlobalAdmin } from '../access/act-on-user.js';
import { DELETED_KEPT_DAYS, deleteRefusal, findActiveUser, MAX_DELETE_AT_ONCE } from './delete-user-targets.js';
import { LAST_GLOBAL_ADMIN_TO_DELETE, USER_GONE } from '../refusals.js';
import { holdForApproval } from '../approvals/request-approval.js';
import type { ApprovalGrant } from '../approvals/approval-change.js';

export interface DeleteCandidate {
  id: string;
  userPrincipalName: string;
  displayName: string;
  licenses: string[];
}

export interface NotDeleted {
  /** The username, or what was typed when no user matched. */
  name: string;
  reason: string;
}

export interface DeleteUsersResult {
  deleted: DeleteCandidate[];
  notDeleted: NotDeleted[];
  /** When the deleted users are removed for good. */
  purgeAfter: Date;
  dryRun: boolean;
}

type Target = { usernames: readonly string[] } | { userIds: readonly string[] };

/**
 * Who a delete request would delete and who not (with why), for the confirmation modal. Checks the
 * permission and the rules (not yourself, not above your role, not the last Global admin); nothing changes.
 */
export async function previewDeleteUsers(ctx: CoreContext, actor: Actor, target: Target): Promise<Result<{ users: DeleteCandidate[]; refused: NotDeleted[] }>> {
  const auth = await authorize(ctx, actor, 'delete_users');
  if (!auth.ok) return auth;
  const resolved = await resolveTargets(ctx, auth, target);
  if (!resolved.ok) return resolved;
  const users: DeleteCandidate[] = [];
  const refused = [...resolved.missing];
  let adminsLeft = await countSignInAllowedGlobalAdmins(ctx.db, auth.tenant.id);
  for (const user of resolved.users) {
    const roles = await rolesOf(ctx.db, user.id);
    const signInAdmin = roles.includes('global_admin') && user.accountEnabled;
    const reason = deleteRefusal(auth, user, roles) ?? (signInAdmin && adminsLeft <= 1 ? `${user.userPrincipalName} ${LAST_GLOBAL_ADMIN_TO_DELETE}` : null);
    if (reason) {
      refused.push({ name: user.userPrincipalName, reason });
      continue;
    }
    if (signInAdmin) adminsLeft -= 1;
    users.push(await candidate(ctx, user));
  }
  return ok({ users, refused });
}

/**
 * Deletes users (Global or User admin), each in its own transaction: their seats are freed through
 * the ledger, the licenses they held are remembered for a restore, their roles are kept but
 * inactive, and they stay 30 days as deleted (their username and Slack link are free at once).
 */
export async function deleteUsers(
  ctx: CoreContext,
  actor: Actor,
  target: Target,
  options: { dryRun?: boolean; approval?: ApprovalGrant } = {},
): Promise<Result<DeleteUsersResult>> {
  const auth = await authorize(ctx, actor, 'delete_users');
  if (!auth.ok) return auth;
  const resolved = await resolveTargets(ctx, auth, target);
  if (!resolved.ok) return resolved;
  const dryRun = options.dryRun ?? false;
  if (resolved.users.length > 0) {
    const held = await holdForApproval(ctx, auth, deleteChange(resolved.users, 'delete'), options);
    if (held) return held;
  }
  const now = ctx.now();
  const deleted: DeleteCandidate[] = [];
  const notDeleted = [...resolved.missing];
  for (const user of resolved.users) {
    const done = await changeDirectory(ctx, auth.tenant, (tx, directory) => deleteUserWithin(tx, directory, auth, user, now), { dryRun });
    if (!done.ok) notDeleted.push({ name: user.userPrincipalName, reason: done.message });
    else deleted.push(done.value);
  }
  if (deleted.length > 0 && !dryRun) {
    reportChange(ctx, auth.tenant, 'users', actor);
    reportChange(ctx, auth.tenant, 'licenses', actor);
  }
  return ok({ deleted, notDeleted, purgeAfter: addDays(now, DELETED_KEPT_DAYS), dryRun });
}

/**
 * One user deleted, inside the writing transaction, with every rule decided again with the roles as
 * stored now (who may act on whom, yourself, synced users, the last Global admin who can sign in):
 * their seats freed through the ledger and remembered for a restore. Throws a CoreFailure naming
 * the user when refused.
 */
export async function deleteUserWithin(
  tx: CoreContext['db'],
  directory: DirectoryProvider,
  checked: Authorized,
  user: DirectoryUserRecord,
  now: Date,
): Promise<DeleteCandidate> {
  // Decided with the actor's and the user's roles as stored now, in the transaction that deletes.
  const { auth, roles, accountEnabled } = await confirmActOnUser(tx, checked, 'delete_users', user.id).catch((error: unknown) => {
    if (error instanceof CoreFailure) throw new CoreFailure(fail(error.error.code, `${user.userPrincipalName}: ${error.error.message}`));
    throw error;
  });
  const refusal = deleteRefusal(auth, user, roles);
  if (refusal) throw new CoreFailure(fail('forbidden', refusal));
  const held = await releaseAllLicenses(tx, directory, auth.tenant.id, user.id);
  const marked = await directory.deleteUser(
    tx,
    user.id,
    held.map((l) => ({ skuId: l.skuId, disabledPlans: l.disabledPlans })),
    now,
  );
  if (!marked) throw new CoreFailure(fail('not_found', `${user.userPrincipalName} was deleted a moment ago.`));
  await keepSignInGlobalAdmin(
    tx,
    auth.tenant.id,
    { roles, accountEnabled },
    () => new CoreFailure(fail('conflict', `${user.userPrincipalName} ${LAST_GLOBAL_ADMIN_TO_DELETE}`)),
  );
  const names = held.map((l) => productBySkuId(l.skuId)?.displayName ?? l.skuId);
  const startCancelled = await cancelStartOf(tx, user.id, now);
  await writeAudit(
    tx,
    {
      tenantId: auth.tenant.id,
      actor: auth.actorId,
      action: 'user.delete',
      targetType: 'user',
      targetUserId: user.id,
      changedFields: ['deletedAt', ...(held.length ? ['licenses'] : [])],
      summary: `Deleted ${user.userPrincipalName}${names.length ? `; freed ${names.join(', ')}` : ''}${startCancelled ? '; its scheduled start was cancelled' : ''}; kept ${DELETED_KEPT_DAYS} days`,
    },
    now,
  );
  return { id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName, licenses: names };
}

async function candidate(ctx: CoreContext, user: DirectoryUserRecord): Promise<DeleteCandidate> {
  const held = await licensesOf(ctx.db, user.id);
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    licenses: held.map((l) => productBySkuId(l.skuId)?.displayName ?? l.skuId),
  };
}

async function resolveTargets(ctx: CoreContext, auth: Authorized, target: Target): Promise<Result<{ users: DirectoryUserRecord[]; missing: NotDeleted[] }>> {
  const names = 'usernames' in target ? target.usernames : target.userIds;
  const wanted = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (wanted.length === 0) return fail('invalid_input', 'Say which users to delete: `/users delete ana@contoso.com` (several separated by spaces).');
  if (wanted.length > MAX_DELETE_AT_ONCE)
    return fail('limit_exceeded', `At most ${MAX_DELETE_AT_ONCE} users can be deleted at once; ${wanted.length} were named.`);
  const users: DirectoryUserRecord[] = [];
  const missing: NotDeleted[] = [];
  for (const name of wanted) {
    const found = 'usernames' in target ? await findActiveUser(ctx.db, auth.tenant, name) : await activeById(ctx, auth, name);
    if (typeof found === 'string') missing.push({ name, reason: found });
    else if (!users.some((u) => u.id === found.id)) users.push(found);
  }
  return ok({ users, missing });
}

async function activeById(ctx: CoreContext, auth: Authorized, userId: string): Promise<DirectoryUserRecord | string> {
  const username = await activeUsernameById(ctx.db, auth.tenant.id, userId);
  return username ? findActiveUser(ctx.db, auth.tenant, username) : USER_GONE;
}

/** A delete held for approval: exactly these users (by id), from the delete form or a bulk action. */
export function deleteChange(users: readonly Pick<DirectoryUserRecord, 'id' | 'userPrincipalName'>[], via: 'delete' | 'bulk') {
  return {
    kind: 'delete_users' as const,
    input: { via, userIds: users.map((u) => u.id) },
    count: users.length,
    summary: {
      title: `delete ${users.length === 1 ? users[0]?.userPrincipalName : `${users.length} users`}`,
      lines: [
        ...users.slice(0, 40).map((u) => `Delete ${u.userPrincipalName} (restorable for ${DELETED_KEPT_DAYS} days; their licenses freed)`),
        ...(users.length > 40 ? [`…and ${users.length - 40} more users`] : []),
      ],
      userIds: users.map((u) => u.id),
    },
  };
}
