import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { writeAudit } from '../../store/audit.js';
import { confirmActOnUser, keepSignInGlobalAdmin } from '../access/act-on-user.js';
import { transactionOrDryRun } from '../dry-run.js';
import { isSynced, loadTarget, targetRefusal, type TargetRef } from './edit-user-target.js';
import { LAST_SIGN_IN_GLOBAL_ADMIN, OWN_SIGN_IN, SYNCED_USER } from '../refusals.js';

export interface SignInChange {
  userId: string;
  userPrincipalName: string;
  displayName: string;
  /** False when the user was already in that state (nothing written). */
  changed: boolean;
  dryRun: boolean;
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

async function setSignIn(ctx: CoreContext, actor: Actor, ref: TargetRef, allowed: boolean, options: { dryRun?: boolean }): Promise<Result<SignInChange>> {
  const auth = await authorize(ctx, actor, 'block_users');
  if (!auth.ok) return auth;
  const target = await loadTarget(ctx, auth, ref);
  if (!target.ok) return target;
  const refusal = targetRefusal(auth, target);
  if (refusal) return fail('forbidden', refusal);
  if (isSynced(target)) return fail('unsupported', SYNCED_USER);
  const { user } = target;
  if (!allowed && user.id === auth.actorUserId) return fail('forbidden', OWN_SIGN_IN);
  const result: SignInChange = {
    userId: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    changed: user.accountEnabled !== allowed,
    dryRun: !!options.dryRun,
  };
  if (!result.changed) return ok(result);
  const now = ctx.now();
  const done = await transactionOrDryRun(ctx, !!options.dryRun, async (tx) => {
    // Decided with the actor's and the user's roles as stored now, in the transaction that writes.
    const before = await confirmActOnUser(tx, auth, 'block_users', user.id);
    await ctx.directory.updateUser(tx, user.id, { accountEnabled: allowed }, now);
    if (!allowed) await keepSignInGlobalAdmin(tx, auth.tenant.id, before, () => new CoreFailure(fail('conflict', LAST_SIGN_IN_GLOBAL_ADMIN)));
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: allowed ? 'user.unblock' : 'user.block',
        targetType: 'user',
        targetUserId: user.id,
        changedFields: ['accountEnabled'],
        summary: `${allowed ? 'Allowed sign-in for' : 'Blocked sign-in for'} ${user.userPrincipalName}`,
      },
      now,
    );
    return result;
  });
  if (!done.ok) return done;
  if (!options.dryRun) reportChange(ctx, auth.tenant, 'users', actor);
  return ok(done.value);
}
