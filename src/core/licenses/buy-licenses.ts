import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { writeAudit } from '../audit/write-audit.js';
import type { Product } from '../catalogue/catalogue.js';
import { findProduct } from '../catalogue/find-product.js';
import { fail, ok, type Result } from '../result.js';
import { randomUUID } from 'node:crypto';
import { sqliteDate, statement } from '../store/statements.js';
import { licensePools } from '../store/tenant-store.js';
import { writeTransaction } from '../store/write-transaction.js';

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
  const owned = licensePools(ctx.sqlite, auth.tenant.id);
  const match = findProduct(input.product, owned.map((pool) => pool.skuId));
  if (!match.ok) return fail('invalid_input', match.message, [{ field: 'product', message: match.message }]);
  const { product } = match;
  const now = ctx.now();
  const tenantId = auth.tenant.id;
  const pool = writeTransaction(ctx, (db) => {
    const at = sqliteDate(now);
    statement(db, 'INSERT INTO Subscription (id, tenantId, skuId, partNumber, quantity, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      randomUUID(), tenantId, product.skuId, product.partNumber, input.quantity, at, at,
    );
    const updated = statement(
      db,
      `INSERT INTO LicensePool (tenantId, skuId, partNumber, total, assigned) VALUES (?, ?, ?, ?, 0)
       ON CONFLICT (tenantId, skuId) DO UPDATE SET total = total + excluded.total RETURNING total, assigned`,
    ).get(tenantId, product.skuId, product.partNumber, input.quantity) as { total: number; assigned: number };
    writeAudit(db, {
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
