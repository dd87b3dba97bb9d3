import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { reauthorize } from '../access/act-on-user.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { fail, ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { changeDirectory } from '../directory/change-directory.js';
import { writeAudit } from '../../store/audit.js';
import { activeUserByUpn } from '../../store/directory-users.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import { licensePools, licensesOf, selfServiceSeats } from '../../store/seat-ledger.js';
import { activeUsernameById } from '../../store/user-lifecycle.js';
import { changeUserLicenses, LicenseChangeRefused } from './change-user-licenses.js';
import { licenseCounts, type LicenseCount } from './list-licenses.js';
import type { LicenseChoice } from './plan-conflicts.js';
import { USER_GONE } from '../refusals.js';

async function activeUser(ctx: CoreContext, tenant: { id: string }, userId: string): Promise<DirectoryUserRecord | null> {
  const username = await activeUsernameById(ctx.db, tenant.id, userId);
  return username ? activeUserByUpn(ctx.db, tenant.id, username) : null;
}

/** What the user-licenses form shows: the user, the products the organization can assign, and what the user holds. */
export async function userLicenseChoices(
  ctx: CoreContext,
  actor: Actor,
  userId: string,
): Promise<Result<{ user: DirectoryUserRecord; products: LicenseCount[]; held: LicenseChoice[] }>> {
  const auth = await authorize(ctx, actor, 'assign_licenses');
  if (!auth.ok) return auth;
  const user = await activeUser(ctx, auth.tenant, userId);
  if (!user) return fail('not_found', USER_GONE);
  const pending = new Set((await selfServiceSeats(ctx.db, auth.tenant.id)).map((s) => s.skuId));
  const products = (await licenseCounts(ctx, auth.tenant.id)).filter((l) => !pending.has(l.product.skuId));
  const held = (await licensesOf(ctx.db, user.id)).map((l) => ({ skuId: l.skuId, disabledPlans: l.disabledPlans }));
  return ok({ user, products, held });
}

/**
 * Sets one user's licenses to exactly `choices` (products on, with their apps turned off) in one
 * transaction through `changeUserLicenses`: every rule and seat, or nothing. Refusals come back on
 * the `licenses` field with each problem and its fix. `dryRun` rehearses it (rolled back).
 */
export async function setUserLicenses(
  ctx: CoreContext,
  actor: Actor,
  userId: string,
  choices: readonly LicenseChoice[],
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<Result<{ added: string[]; removed: string[]; appsChanged: string[] }>> {
  const auth = await authorize(ctx, actor, 'assign_licenses');
  if (!auth.ok) return auth;
  const user = await activeUser(ctx, auth.tenant, userId);
  if (!user) return fail('not_found', USER_GONE);
  const pending = new Set((await selfServiceSeats(ctx.db, auth.tenant.id)).map((s) => s.skuId));
  const held = await licensesOf(ctx.db, user.id);
  const heldIds = new Set(held.map((h) => h.skuId));
  const chosen = new Set(choices.map((c) => c.skuId));
  // A self-service product can be neither given nor taken away until it is taken over.
  const touched = [...pending].filter((sku) => heldIds.has(sku) !== chosen.has(sku));
  if (touched.length > 0) {
    const name = productBySkuId(touched[0]!)?.displayName ?? touched[0]!;
    return fail('unsupported', `${name} is a self-service subscription: a Global or Billing admin must take it over first (\`/licenses takeover\`).`, [
      { field: 'licenses', message: `${name}: take over first.` },
    ]);
  }
  const now = ctx.now();
  try {
    const done = await changeDirectory(
      ctx,
      auth.tenant,
      async (tx, directory) => {
        // Decided with the actor's roles as stored now, under the organization's lock (act-on-user.ts).
        const current = await reauthorize(tx, auth, 'assign_licenses');
        const options = {
          directory,
          ownedSkuIds: (await licensePools(tx, auth.tenant.id)).map((p) => p.skuId),
          mayLicenseGuests: hasPermission(current.roles, 'license_guests'),
          now,
        };
        const result = await changeUserLicenses(
          tx,
          user.id,
          { add: choices, remove: held.map((h) => h.skuId).filter((sku) => !choices.some((c) => c.skuId === sku)) },
          options,
        );
        const names = (ids: string[]) => ids.map((id) => productBySkuId(id)?.displayName ?? id).join(', ');
        const parts = [
          result.added.length ? `added ${names(result.added)}` : '',
          result.removed.length ? `removed ${names(result.removed)}` : '',
          result.appsChanged.length ? `changed the apps of ${names(result.appsChanged)}` : '',
        ].filter(Boolean);
        if (parts.length > 0) {
          await writeAudit(
            tx,
            {
              tenantId: auth.tenant.id,
              actor: auth.actorId,
              action: 'user.licenses',
              targetType: 'user',
              targetUserId: user.id,
              changedFields: ['licenses'],
              summary: `Licenses of ${user.userPrincipalName}: ${parts.join('; ')}`,
            },
            now,
          );
        }
        return result;
      },
      { dryRun },
    );
    if (!done.ok) return done;
    const { added, removed, appsChanged } = done.value;
    if (!dryRun && added.length + removed.length + appsChanged.length > 0) reportChange(ctx, auth.tenant, 'licenses', actor);
    return ok({ added, removed, appsChanged });
  } catch (error) {
    if (!(error instanceof LicenseChangeRefused)) throw error;
    return fail('conflict', error.message, [{ field: 'licenses', message: error.message }]);
  }
}
