import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { confirmActOnUser } from '../access/act-on-user.js';
import { ok, type Result } from '../result.js';
import { writeAudit } from '../../store/audit.js';
import { changeDirectory } from '../directory/change-directory.js';
import { loadTarget, targetRefusal, type TargetRef } from './edit-user-target.js';
import { fail } from '../result.js';
import { NO_CLOUD_PASSWORD } from '../passwords/hash-password.js';

/**
 * Marks a user as synchronized from on-premises Active Directory (or, with `synced: false`, as a
 * cloud user again). A synced user's names, sign-in, roles and password are then changed on
 * premises; Roster still changes their usage location and licenses. They sign in with their
 * on-premises password, so their cloud password is cleared (as an import of synced users makes
 * none); made a cloud user again, they have no password until an admin resets one (`needsPassword`).
 */
export async function markUserSynced(
  ctx: CoreContext,
  actor: Actor,
  ref: TargetRef,
  options: { synced?: boolean; dryRun?: boolean } = {},
): Promise<Result<{ userId: string; userPrincipalName: string; changed: boolean; needsPassword: boolean }>> {
  const auth = await authorize(ctx, actor, 'edit_users');
  if (!auth.ok) return auth;
  const target = await loadTarget(ctx, auth, ref);
  if (!target.ok) return target;
  const refusal = targetRefusal(auth, target);
  if (refusal) return fail('forbidden', refusal);
  const source = options.synced === false ? 'cloud' : 'synced';
  const { user } = target;
  const result = {
    userId: user.id,
    userPrincipalName: user.userPrincipalName,
    changed: user.source !== source,
    // Every synced user has none (made so, or cleared when marked; a migration cleared the earlier ones).
    needsPassword: source === 'cloud' && user.source === 'synced',
  };
  if (!result.changed) return ok(result);
  const now = ctx.now();
  const done = await changeDirectory(
    ctx,
    auth.tenant,
    async (tx, directory) => {
      await confirmActOnUser(tx, auth, 'edit_users', user.id);
      await directory.setSource(tx, user.id, source, now);
      if (source === 'synced') await directory.setPassword(tx, user.id, { passwordHash: NO_CLOUD_PASSWORD, forceChangePassword: false }, now);
      await writeAudit(
        tx,
        {
          tenantId: auth.tenant.id,
          actor: auth.actorId,
          action: 'user.mark_synced',
          targetType: 'user',
          targetUserId: user.id,
          changedFields: source === 'synced' ? ['source', 'password'] : ['source'],
          summary:
            source === 'synced'
              ? `Marked ${user.userPrincipalName} as synchronized from on-premises Active Directory`
              : `Made ${user.userPrincipalName} a cloud user again${result.needsPassword ? ' (no cloud password until one is reset)' : ''}`,
        },
        now,
      );
      return result;
    },
    { dryRun: !!options.dryRun },
  );
  if (!done.ok) return done;
  if (!options.dryRun) reportChange(ctx, auth.tenant, 'users', actor);
  return ok(done.value);
}
