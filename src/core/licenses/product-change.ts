import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import type { Product } from '../catalogue/catalogue.js';
import { transactionOrDryRun } from '../dry-run.js';
import { fail, ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { isCoreError } from '../transaction.js';
import { writeAudit } from '../../store/audit.js';
import { activeUserByUpn } from '../../store/directory-users.js';
import { licensePools } from '../../store/seat-ledger.js';
import { activeUsernameById } from '../../store/user-lifecycle.js';
import { changeUserLicenses, LicenseChangeRefused } from './change-user-licenses.js';
import { productOfOrganization } from './product-target.js';

/** Most users one assign or unassign request may name (the form allows 20; the CLI more). */
export const MAX_USERS_PER_CHANGE = 1000;

export interface ProductChangeInput {
  product: string;
  /** Directory user ids (the form's picker) or usernames (the CLI). */
  users: { ids: readonly string[] } | { usernames: readonly string[] };
  /** Apps of the product to turn off (assign only). */
  disabledPlans?: readonly string[];
  dryRun?: boolean;
}

export interface ProductChangeResult {
  product: Product;
  done: { userId: string; userPrincipalName: string }[];
  /** Each user not changed, with every problem and how to fix it. */
  notDone: { name: string; problems: string[] }[];
  dryRun: boolean;
}

/**
 * Gives a product to, or takes it from, many users: each user in its own transaction through
 * `changeUserLicenses` (rules, seats through the ledger, mailbox), so one refusal holds up nobody else.
 */
export async function changeProductForUsers(
  ctx: CoreContext,
  actor: Actor,
  input: ProductChangeInput,
  direction: 'assign' | 'unassign',
): Promise<Result<ProductChangeResult>> {
  const auth = await authorize(ctx, actor, 'assign_licenses');
  if (!auth.ok) return auth;
  const product = await productOfOrganization(ctx.db, auth, input.product, { forAssignment: true });
  if (isCoreError(product)) return product;
  const names = 'ids' in input.users ? input.users.ids : input.users.usernames;
  const wanted = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (wanted.length === 0) return fail('invalid_input', 'Pick at least one user.', [{ field: 'users', message: 'Pick at least one user.' }]);
  if (wanted.length > MAX_USERS_PER_CHANGE) return fail('limit_exceeded', `At most ${MAX_USERS_PER_CHANGE} users at once; ${wanted.length} were named.`);
  const disabledPlans = input.disabledPlans ?? [];
  const dryRun = input.dryRun ?? false;
  const now = ctx.now();
  const options = {
    ownedSkuIds: (await licensePools(ctx.db, auth.tenant.id)).map((p) => p.skuId),
    mayLicenseGuests: hasPermission(auth.roles, 'license_guests'),
    now,
  };
  const done: ProductChangeResult['done'] = [];
  const notDone: ProductChangeResult['notDone'] = [];
  for (const name of wanted) {
    const username = 'ids' in input.users ? await activeUsernameById(ctx.db, auth.tenant.id, name) : name;
    const user = username ? await activeUserByUpn(ctx.db, auth.tenant.id, username) : null;
    if (!user) {
      notDone.push({ name: username ?? name, problems: ['No such user (deleted a moment ago?). Check the username.'] });
      continue;
    }
    try {
      const changed = await transactionOrDryRun(ctx, dryRun, async (tx) => {
        const result = await changeUserLicenses(
          tx,
          user.id,
          direction === 'assign' ? { add: [{ skuId: product.skuId, disabledPlans }] } : { remove: [product.skuId] },
          options,
        );
        const changedAnything = result.added.length + result.removed.length + result.appsChanged.length > 0;
        if (changedAnything) {
          const verb = result.added.length ? 'Assigned' : result.removed.length ? 'Unassigned' : 'Changed the apps of';
          await writeAudit(
            tx,
            {
              tenantId: auth.tenant.id,
              actor: auth.actorId,
              action: 'user.licenses',
              targetType: 'user',
              targetUserId: user.id,
              changedFields: ['licenses', ...(result.mailbox !== 'none' ? ['mailbox'] : [])],
              summary: `${verb} ${product.displayName} ${direction === 'assign' ? 'to' : 'from'} ${user.userPrincipalName}`,
            },
            now,
          );
        }
        return changedAnything || direction === 'assign';
      });
      if (isCoreError(changed)) notDone.push({ name: user.userPrincipalName, problems: [changed.message] });
      else if (changed) done.push({ userId: user.id, userPrincipalName: user.userPrincipalName });
      else notDone.push({ name: user.userPrincipalName, problems: [`${user.userPrincipalName} doesn't have ${product.displayName}; nothing to unassign.`] });
    } catch (error) {
      if (!(error instanceof LicenseChangeRefused)) throw error;
      notDone.push({ name: user.userPrincipalName, problems: error.problems.map((p) => p.message) });
    }
  }
  if (done.length > 0 && !dryRun) reportChange(ctx, auth.tenant, 'licenses', actor);
  return ok({ product, done, notDone, dryRun });
}
