import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { productBySkuId, type Product } from '../catalogue/catalogue.js';
import { findProduct } from '../catalogue/find-product.js';
import { transactionOrDryRun } from '../dry-run.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { writeAudit } from '../../store/audit.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { addSelfServiceSubscription, selfServiceSeats, takeOverSelfService } from '../../store/seat-ledger.js';
import { MAX_PURCHASE } from './buy-licenses.js';
import { productOfOrganization } from './product-target.js';
import { quantityRange } from '../refusals.js';

/*
 * Self-service subscriptions: bought by a member, not an admin. Their seats stay OUT of the pool
 * (`LicensePool.total`, what can be assigned) until a Global or Billing admin takes them over; until
 * then the product can be neither assigned nor unassigned, and `/licenses` lists them marked.
 */

export interface SelfServiceLine {
  product: Product;
  quantity: number;
}

/** The self-service subscriptions not taken over yet, per product (any admin role). */
export async function listSelfService(ctx: CoreContext, actor: Actor): Promise<Result<{ subscriptions: SelfServiceLine[] }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const rows = await selfServiceSeats(ctx.db, auth.tenant.id);
  return ok({
    subscriptions: rows.map((row) => ({
      product: productBySkuId(row.skuId) ?? { skuId: row.skuId, partNumber: row.partNumber, displayName: row.partNumber, plans: [] },
      quantity: row.quantity,
    })),
  });
}

/** Records a member's self-service purchase (the CLI: `licenses record-self-service`); needs Global or Billing admin. */
export async function recordSelfService(
  ctx: CoreContext,
  actor: Actor,
  input: { product: string; quantity: number; dryRun?: boolean },
): Promise<Result<{ product: Product; quantity: number }>> {
  const auth = await authorize(ctx, actor, 'buy_licenses');
  if (!auth.ok) return auth;
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_PURCHASE) {
    return fail('invalid_input', quantityRange(1, MAX_PURCHASE));
  }
  const match = findProduct(input.product);
  if (!match.ok) return fail('invalid_input', match.message);
  const { product } = match;
  const now = ctx.now();
  const done = await transactionOrDryRun(ctx, input.dryRun ?? false, async (tx) => {
    await addSelfServiceSubscription(tx, { tenantId: auth.tenant.id, skuId: product.skuId, partNumber: product.partNumber, quantity: input.quantity }, now);
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'licenses.self_service',
        targetType: 'product',
        targetId: product.skuId,
        changedFields: ['subscription'],
        summary: `Recorded a self-service subscription of ${input.quantity} ${product.displayName}`,
      },
      now,
    );
    return true;
  });
  if (!done.ok) return done;
  if (!input.dryRun) reportChange(ctx, auth.tenant, 'licenses', actor);
  return ok({ product, quantity: input.quantity });
}

/** `/licenses takeover <product>` (Global or Billing admin): the product's self-service seats join the pool and can be assigned. */
export async function takeOverSubscription(
  ctx: CoreContext,
  actor: Actor,
  input: { product: string; dryRun?: boolean },
): Promise<Result<{ product: Product; seats: number; total: number; assigned: number; dryRun: boolean }>> {
  const auth = await authorize(ctx, actor, 'take_over_subscriptions');
  if (!auth.ok) return auth;
  const found = await productOfOrganization(ctx.db, auth, input.product, { forAssignment: false });
  if (!found.ok) return found;
  const { product } = found;
  const now = ctx.now();
  const taken = await transactionOrDryRun(ctx, input.dryRun ?? false, async (tx) => {
    await lockOrganization(tx, auth.tenant.id);
    const result = await takeOverSelfService(tx, auth.tenant.id, product.skuId, now);
    if (result.seats === 0) throw new CoreFailure(fail('not_found', `${product.displayName} has no self-service subscription to take over.`));
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'licenses.takeover',
        targetType: 'product',
        targetId: product.skuId,
        changedFields: ['selfService', 'quantity'],
        summary: `Took over the self-service ${product.displayName} subscription (${result.seats} seats); ${result.pool?.total ?? result.seats} in total`,
      },
      now,
    );
    return { seats: result.seats, total: result.pool?.total ?? result.seats, assigned: result.pool?.assigned ?? 0 };
  });
  if (!taken.ok) return taken;
  if (!input.dryRun) reportChange(ctx, auth.tenant, 'licenses', actor);
  return ok({ product, ...taken.value, dryRun: input.dryRun ?? false });
}
