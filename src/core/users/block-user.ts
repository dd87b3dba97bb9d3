import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { CoreFailure, fail, ok, type CoreError, type Result } from '../result.js';
import { writeAudit } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { confirmActOnUser, keepSignInGlobalAdmin } from '../access/act-on-user.js';
import { changeDirectory } from '../directory/change-directory.js';
import { loadTarget, targetRefusal, type TargetRef } from './edit-user-target.js';
import { LAST_SIGN_IN_GLOBAL_ADMIN, OWN_SIGN_IN, SYNCED_USER } from '../refusals.js';

export interface SignInChange {
  userId: string;
  userPrincipalName: string;
  displayName: string;
  /** False when the user was already in that state (nothing written). */
  changed: boolean;
  dryRun: boolean;
  /** The connected Microsoft 365 tenant the change is sent to (its name), which may still refuse it; null on Roster's own directory. */
  tenantName: string | null;
}

/** docs/domain.md: a block reaches every device within about an hour (sessions end as their tokens expire). */
export const BLOCK_DELAY_NOTE = 'It can take up to about an hour for the change to reach every device and app the user is signed in to.';

/** Blocks a user's sign-in. An admin cannot block themselves, nor the last Global admin who can sign in. */
export function blockUser(ctx: CoreContext, actor: Actor, ref: TargetRef, options: { dryRun?: boolean } = {}): Promise<Result<SignInChange>> {
  return setSignIn(ctx, actor, ref, false, options);
}

/** Allows a blocked user to sign in again. */
export function unblockUser(ctx: CoreContext, actor: Actor, ref: TargetRef, options: { dryRun?: boolean } = {}): Promise<Result<SignInChange>> {
  return setSignIn(ctx, actor, ref, true, options);
}

/**
 * Why this actor may not set this user's sign-in, besides who may act on whom: a synced user's
 * sign-in is on premises, and nobody blocks their own.
 */
export function signInRefusal(auth: Authorized, user: Pick<DirectoryUserRecord, 'id' | 'source'>, allowed: boolean): CoreError | null {
  if (user.source === 'synced') return fail('unsupported', SYNCED_USER);
  if (!allowed && user.id === auth.actorUserId) return fail('forbidden', OWN_SIGN_IN);
  return null;
}

async function setSignIn(ctx: CoreContext, actor: Actor, ref: TargetRef, allowed: boolean, options: { dryRun?: boolean }): Promise<Result<SignInChange>> {
  const auth = await authorize(ctx, actor, 'block_users');
  if (!auth.ok) return auth;
  const target = await loadTarget(ctx, auth, ref);
  if (!target.ok) return target;
  const refusal = targetRefusal(auth, target);
  if (refusal) return fail('forbidden', refusal);
  const { user } = target;
  const other = signInRefusal(auth, user, allowed);
  if (other) return other;
  const result: SignInChange = {
    userId: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    changed: user.accountEnabled !== allowed,
    dryRun: !!options.dryRun,
    tenantName: auth.tenant.directory === 'embedded' ? null : auth.tenant.name,
  };
  if (!result.changed) return ok(result);
  const done = await changeDirectory(ctx, auth.tenant, (tx, directory) => setSignInWithin(tx, directory, auth, user, allowed, ctx.now()), {
    dryRun: !!options.dryRun,
  });
  if (!done.ok) return done;
  if (!options.dryRun) reportChange(ctx, auth.tenant, 'users', actor);
  return ok(result);
}

/**
 * One user's sign-in set, inside the writing transaction, with every rule of the action decided
 * again with the roles and sign-in as stored now (who may act on whom, synced users, your own
 * sign-in, the last Global admin who can sign in). Throws a CoreFailure when refused; returns
 * false when the user was already in that state (nothing written).
 */
export async function setSignInWithin(
  tx: Db,
  directory: DirectoryProvider,
  checked: Authorized,
  user: DirectoryUserRecord,
  allowed: boolean,
  now: Date,
): Promise<boolean> {
  const before = await confirmActOnUser(tx, checked, 'block_users', user.id);
  const refusal = signInRefusal(before.auth, user, allowed);
  if (refusal) throw new CoreFailure(refusal);
  if (before.accountEnabled === allowed) return false;
  await directory.updateUser(tx, user.id, { accountEnabled: allowed }, now);
  if (!allowed) await keepSignInGlobalAdmin(tx, before.auth.tenant.id, before, () => new CoreFailure(fail('conflict', LAST_SIGN_IN_GLOBAL_ADMIN)));
  await writeAudit(
    tx,
    {
      tenantId: before.auth.tenant.id,
      actor: before.auth.actorId,
      action: allowed ? 'user.unblock' : 'user.block',
      targetType: 'user',
      targetUserId: user.id,
      changedFields: ['accountEnabled'],
      summary: `${allowed ? 'Allowed sign-in for' : 'Blocked sign-in for'} ${user.userPrincipalName}`,
    },
    now,
  );
  return true;
}
