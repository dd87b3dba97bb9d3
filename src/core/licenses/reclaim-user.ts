import { addDays } from 'date-fns';
import type { Actor, CoreContext } from '../context.js';
import { reportChange } from '../context.js';
import { authorize, forbidden, type Authorized } from '../access/authorize.js';
import { reauthorize } from '../access/act-on-user.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { changeDirectory } from '../directory/change-directory.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { transactionOrDryRun } from '../dry-run.js';
import { fail, ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { USER_GONE } from '../refusals.js';
import { writeAudit } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { accessStateOf } from '../../store/directory-users.js';
import { licenseSettings } from '../../store/license-settings.js';
import { isKept, keepUsers, reclaimableUser } from '../../store/reclaim.js';
import { licensePools, licensesOf } from '../../store/seat-ledger.js';
import { activeUsernameById } from '../../store/user-lifecycle.js';
import { changeUserLicenses, LicenseChangeRefused } from './change-user-licenses.js';
import { inactivityOf, reasonOf, reclaimCandidates } from './reclaim-report.js';

/** A proposed user to reclaim: who, and the products the report proposed (only those are taken). */
export interface ReclaimTarget {
  userId: string;
  userPrincipalName: string;
  skuIds: string[];
}

/** One user's outcome: the products taken, or why nothing was. */
export type ReclaimOutcome = { done: { userPrincipalName: string; skuIds: string[] } } | { notDone: { userPrincipalName: string; reason: string } };

export interface ReclaimPlan {
  auth: Authorized;
}

/** Reclaiming is taking licenses away: the permission of unassigning (Global, User, License admins). */
export async function planReclaim(ctx: CoreContext, actor: Actor): Promise<Result<{ plan: ReclaimPlan }>> {
  const auth = await authorize(ctx, actor, 'assign_licenses');
  if (!auth.ok) return auth;
  return ok({ plan: { auth } });
}

/**
 * Takes the proposed licenses from one user inside the caller's transaction (a job's savepoint, or
 * a transaction of its own), decided again there: the actor still may, the user is still active,
 * blocked or inactive (as the last sync read their sign-ins), not kept meanwhile, and still holds them. A user who no longer qualifies, or whose
 * license change is refused, is an outcome with why (nothing written for them); a permission the
 * actor lost meanwhile throws a CoreFailure, which the caller's step or transaction turns into a refusal.
 * `directory` is the one changeDirectory gives (a connected tenant's changes go to the tenant first).
 */
export async function reclaimUserWithin(tx: Db, directory: DirectoryProvider, plan: ReclaimPlan, target: ReclaimTarget, now: Date): Promise<ReclaimOutcome> {
  const name = target.userPrincipalName;
  const current = await reauthorize(tx, plan.auth, 'assign_licenses');
  const state = await accessStateOf(tx, target.userId);
  if (!state || state.deleted) return { notDone: { userPrincipalName: name, reason: USER_GONE } };
  if (await isKept(tx, target.userId, now)) return { notDone: { userPrincipalName: name, reason: `${name} was kept meanwhile; nothing was taken.` } };
  const held = new Set((await licensesOf(tx, target.userId)).map((l) => l.skuId));
  const remove = target.skuIds.filter((skuId) => held.has(skuId));
  if (remove.length === 0) return { notDone: { userPrincipalName: name, reason: `${name} holds none of these licenses any more.` } };
  // Still blocked, or still inactive as the last sync read them (one who signed in meanwhile keeps theirs).
  const { inactivity, cutoff } = await inactivityOf(tx, plan.auth.tenant.id, now);
  const still = await reclaimableUser(tx, plan.auth.tenant.id, target.userId, now, cutoff);
  if (!still)
    return {
      notDone: {
        userPrincipalName: name,
        reason: cutoff
          ? `${name} may sign in and has signed in within the last ${inactivity.days} days (as the last sync read it); nothing was taken.`
          : `${name} may sign in again since the report; nothing was taken.`,
      },
    };
  const { why } = reasonOf(still, now);
  try {
    const done = await changeUserLicenses(
      tx,
      target.userId,
      { remove },
      {
        directory,
        ownedSkuIds: (await licensePools(tx, plan.auth.tenant.id)).map((p) => p.skuId),
        mayLicenseGuests: hasPermission(current.roles, 'license_guests'),
        now,
      },
    );
    const names = done.removed.map((skuId) => productBySkuId(skuId)?.displayName ?? skuId).join(', ');
    await writeAudit(
      tx,
      {
        tenantId: plan.auth.tenant.id,
        actor: plan.auth.actorId,
        action: 'user.licenses',
        targetType: 'user',
        targetUserId: target.userId,
        changedFields: ['licenses', ...(done.mailbox === 'grace' ? ['mailbox'] : [])],
        summary: `Reclaimed ${names} from ${name} (${why})`,
      },
      now,
    );
    return { done: { userPrincipalName: name, skuIds: done.removed } };
  } catch (error) {
    if (!(error instanceof LicenseChangeRefused)) throw error;
    return { notDone: { userPrincipalName: name, reason: error.message } };
  }
}

/** The proposed user with this id, as the report proposes them now; null when not proposed. */
async function proposed(ctx: CoreContext, tenantId: string, userId: string): Promise<ReclaimTarget | null> {
  const row = (await reclaimCandidates(ctx, tenantId)).rows.find((r) => r.userId === userId);
  return row ? { userId, userPrincipalName: row.userPrincipalName, skuIds: row.products.map((p) => p.skuId) } : null;
}

/** The report's Reclaim on one row: that user's proposed licenses, now, in a transaction of its own. */
export async function reclaimOne(ctx: CoreContext, actor: Actor, userId: string, options: { dryRun?: boolean } = {}): Promise<Result<ReclaimOutcome>> {
  const planned = await planReclaim(ctx, actor);
  if (!planned.ok) return planned;
  const { plan } = planned;
  const target = await proposed(ctx, plan.auth.tenant.id, userId);
  if (!target)
    return fail(
      'not_found',
      'That user is no longer proposed (their sign-in was allowed, they signed in, their licenses were taken, or someone kept them). Run `/licenses reclaim` again.',
    );
  const now = ctx.now();
  const outcome = await changeDirectory(ctx, plan.auth.tenant, (tx, directory) => reclaimUserWithin(tx, directory, plan, target, now), {
    dryRun: options.dryRun ?? false,
  });
  if (!outcome.ok) return outcome;
  if ('done' in outcome.value && !options.dryRun) reportChange(ctx, plan.auth.tenant, 'licenses', actor);
  return ok(outcome.value);
}

/**
 * Keep: these proposed users are not proposed again for the organization's keep time (90 days
 * unless set). Whoever may reclaim may keep (it decides the same thing); allowed on a connected
 * organization too, since it changes only Roster's own report.
 */
export async function keepLicensedUsers(
  ctx: CoreContext,
  actor: Actor,
  input: { users: { ids: readonly string[] } | { usernames: readonly string[] }; dryRun?: boolean },
): Promise<Result<{ kept: string[]; until: Date; dryRun: boolean }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  if (!hasPermission(auth.roles, 'assign_licenses')) return forbidden(ctx, auth, 'assign_licenses');
  const tenantId = auth.tenant.id;
  const { rows } = await reclaimCandidates(ctx, tenantId);
  const wanted = 'ids' in input.users ? input.users.ids : input.users.usernames.map((u) => u.toLowerCase());
  const picked = rows.filter((r) => wanted.includes('ids' in input.users ? r.userId : r.userPrincipalName.toLowerCase()));
  const missing = wanted.filter((w) => !picked.some((r) => ('ids' in input.users ? r.userId : r.userPrincipalName.toLowerCase()) === w));
  if (missing.length > 0) {
    const names = await Promise.all(missing.map(async (m) => ('ids' in input.users ? ((await activeUsernameById(ctx.db, tenantId, m)) ?? m) : m)));
    return fail(
      'not_found',
      `Not proposed for reclaiming (sign-in allowed and signed in lately, no license, or kept already): ${names.join(', ')}. Nothing was kept.`,
      [{ field: 'users', message: 'Not in the reclaim report.' }],
    );
  }
  const now = ctx.now();
  const until = addDays(now, (await licenseSettings(ctx.db, tenantId)).reclaimKeepDays);
  const dryRun = input.dryRun ?? false;
  const saved = await transactionOrDryRun(ctx, dryRun, async (tx) => {
    await keepUsers(
      tx,
      tenantId,
      picked.map((r) => r.userId),
      until,
      auth.actorId,
      now,
    );
    await writeAudit(
      tx,
      picked.map((r) => ({
        tenantId,
        actor: auth.actorId,
        action: 'user.license_kept' as const,
        targetType: 'user' as const,
        targetUserId: r.userId,
        changedFields: ['licenseKept'],
        summary: `Kept the licenses of ${r.userPrincipalName} (not proposed for reclaiming until ${until.toISOString().slice(0, 10)})`,
      })),
      now,
    );
  });
  if (!saved.ok) return saved;
  return ok({ kept: picked.map((r) => r.userPrincipalName), until, dryRun });
}
