import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { writeAudit } from '../audit/write-audit.js';
import type { Product } from '../catalogue/catalogue.js';
import { findProduct } from '../catalogue/find-product.js';
import { fail, ok, type Result } from '../result.js';
import { runInTransaction } from '../transaction.js';

export const MAX_PURCHASE = 100_000;

export interface BuyLicensesResult {
  product: Product;
  /** Other products with the same display name, not chosen (pick them by part number). */
  alsoNamedAlike: Product[];
  quantity: number;
  total: number;
  assigned: number;
  available: number;
}

/** Adds seats of a product (Global or Billing admin): a new subscription, counted in the pool at once. */
export async function buyLicenses(ctx: CoreContext, actor: Actor, input: { product: string; quantity: number }): Promise<Result<BuyLicensesResult>> {
  const auth = await authorize(ctx, actor, 'buy_licenses');
  if (!auth.ok) return auth;
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_PURCHASE) {
    return fail('invalid_input', `The quantity must be a whole number from 1 to ${MAX_PURCHASE.toLocaleString('en')}.`, [
      { field: 'quantity', message: 'Enter a whole number of licenses.' },
    ]);
  }
  const owned = await ctx.db.licensePool.findMany({ where: { tenantId: auth.tenant.id }, select: { skuId: true } });
  const match = findProduct(input.product, owned.map((pool) => pool.skuId));
  if (!match.ok) return fail('invalid_input', match.message, [{ field: 'product', message: match.message }]);
  const { product } = match;
  const now = ctx.now();
  const tenantId = auth.tenant.id;
  const pool = await runInTransaction(ctx, async (tx) => {
    await tx.subscription.create({
      data: { tenantId, skuId: product.skuId, partNumber: product.partNumber, quantity: input.quantity, createdAt: now },
    });
    const updated = await tx.licensePool.upsert({
      where: { tenantId_skuId: { tenantId, skuId: product.skuId } },
      create: { tenantId, skuId: product.skuId, partNumber: product.partNumber, total: input.quantity },
      update: { total: { increment: input.quantity } },
    });
    await writeAudit(tx, {
      tenantId,
      actorSlackUserId: actor.slackUserId,
      action: 'licenses.buy',
      targetType: 'product',
      targetId: product.skuId,
      summary: `Bought ${input.quantity} ${product.displayName} (${product.partNumber}); ${updated.total} in total`,
      at: now,
    });
    return updated;
  });
  if ('ok' in pool) return pool;
  return ok({
    product,
    alsoNamedAlike: match.alsoNamedAlike,
    quantity: input.quantity,
    total: pool.total,
    assigned: pool.assigned,
    available: pool.total - pool.assigned,
  });
}
