import { addMilliseconds } from 'date-fns';
import type { Actor, CoreContext } from '../context.js';
import { reportChange } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import type { DeletedUserRecord } from '../../store/user-lifecycle.js';
import { confirmActOnUser } from '../access/act-on-user.js';
import { changeDirectory } from '../directory/change-directory.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { writeAudit } from '../../store/audit.js';
import { deletedUserRefusal, findDeletedUser } from './delete-user-targets.js';
import { holdForApproval } from '../approvals/request-approval.js';
import type { ApprovalGrant } from '../approvals/approval-change.js';

/**
 * Removes a deleted user for good before their 30 days are up (Global admins: `purge_users`), as
 * the admin center's "Delete permanently": the admin types the username again to confirm. Nothing
 * can bring the user back. Refused for a synced user (deleted on premises) and for a user the
 * actor may not act on; decided again inside the transaction that removes.
 */
export async function purgeDeletedUser(
  ctx: CoreContext,
  actor: Actor,
  input: { user: string; confirm: string; dryRun?: boolean; approval?: ApprovalGrant },
): Promise<Result<{ userPrincipalName: string; displayName: string }>> {
  const target = await purgeTarget(ctx, actor, input.user);
  if (!target.ok) return target;
  const { auth, user: found } = target;
  if (input.confirm.trim().toLowerCase() !== found.userPrincipalName.toLowerCase())
    return fail('invalid_input', `Type the username exactly to confirm: ${found.userPrincipalName}.`, [
      { field: 'confirm', message: `Type ${found.userPrincipalName} to confirm.` },
    ]);
  const held = await holdForApproval(
    ctx,
    auth,
    {
      kind: 'purge_user',
      input: { user: found.id, userPrincipalName: found.userPrincipalName },
      summary: {
        title: `delete ${found.userPrincipalName} permanently`,
        lines: [`Remove the deleted user ${found.userPrincipalName} (${found.displayName}) for good: it can no longer be restored`],
        userIds: [found.id],
      },
    },
    input,
  );
  if (held) return held;
  const now = ctx.now();
  const done = await changeDirectory(
    ctx,
    auth.tenant,
    async (tx, directory) => {
      await confirmActOnUser(tx, auth, 'purge_users', found.id);
      if (!(await directory.purgeUser(tx, found.id, addMilliseconds(now, 1))))
        throw new CoreFailure(fail('not_found', `${found.userPrincipalName} was restored or removed a moment ago.`));
      await writeAudit(
        tx,
        {
          tenantId: auth.tenant.id,
          actor: auth.actorId,
          action: 'user.purge',
          targetType: 'user',
          targetUserId: found.id,
          changedFields: ['account'],
          summary: `Removed ${found.userPrincipalName} for good before its 30 days`,
        },
        now,
      );
    },
    { dryRun: input.dryRun ?? false },
  );
  if (!done.ok) return done;
  if (!input.dryRun) reportChange(ctx, auth.tenant, 'users', actor);
  return ok({ userPrincipalName: found.userPrincipalName, displayName: found.displayName });
}

/** The deleted user a permanent delete is about, and whether this actor may ask for it (for the confirmation form); writes nothing. */
export async function purgeTarget(ctx: CoreContext, actor: Actor, query: string): Promise<Result<{ auth: Authorized; user: DeletedUserRecord }>> {
  const auth = await authorize(ctx, actor, 'purge_users');
  if (!auth.ok) return auth;
  const user = await findDeletedUser(ctx.db, auth.tenant, query);
  if (typeof user === 'string') return fail('not_found', user);
  const refusal = await deletedUserRefusal(ctx.db, auth, user);
  if (refusal) return fail('forbidden', refusal);
  return ok({ auth, user });
}
