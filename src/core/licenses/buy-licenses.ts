import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import type { Product } from '../catalogue/catalogue.js';
import { findProduct } from '../catalogue/find-product.js';
import { fail, ok, type Result } from '../result.js';
import { transactionOrDryRun } from '../dry-run.js';
import { writeAudit } from '../../store/audit.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { addSubscription, licensePools } from '../../store/seat-ledger.js';
import { WHOLE_NUMBER_OF_LICENSES, quantityRange } from '../refusals.js';
import { holdForApproval } from '../approvals/request-approval.js';
import type { ApprovalGrant } from '../approvals/approval-change.js';

export const MAX_PURCHASE = 100_000;

export interface BuyLicensesResult {
  product: Product;
  /** Other products with the same display name, not chosen (pick them by part number). */
  alsoNamedAlike: Product[];
  quantity: number;
  total: number;
  assigned: number;
  available: number;
  /** True when this request had already bought (the same form submission delivered twice). */
  alreadyBought: boolean;
  /** Rehearsed: everything was done, then rolled back. */
  dryRun: boolean;
}

/**
 * Adds seats of a product (Global or Billing admin): a new subscription, counted in the pool at
 * once. `requestKey` names the submission (a form's view id): the same submission buys once.
 */
export async function buyLicenses(
  ctx: CoreContext,
  actor: Actor,
  input: { product: string; quantity: number; requestKey?: string; dryRun?: boolean; approval?: ApprovalGrant },
): Promise<Result<BuyLicensesResult>> {
  const auth = await authorize(ctx, actor, 'buy_licenses');
  if (!auth.ok) return auth;
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_PURCHASE) {
    return fail('invalid_input', quantityRange(1, MAX_PURCHASE), [{ field: 'quantity', message: WHOLE_NUMBER_OF_LICENSES }]);
  }
  const owned = await licensePools(ctx.db, auth.tenant.id);
  const match = findProduct(
    input.product,
    owned.map((pool) => pool.skuId),
  );
  if (!match.ok) return fail('invalid_input', match.message, [{ field: 'product', message: match.message }]);
  const { product } = match;
  const dryRun = input.dryRun ?? false;
  const poolNow = owned.find((p) => p.skuId === product.skuId);
  const held = await holdForApproval(
    ctx,
    auth,
    {
      kind: 'buy_licenses',
      input: { product: product.partNumber, quantity: input.quantity },
      count: input.quantity,
      summary: {
        title: `buy ${input.quantity} ${product.displayName}`,
        lines: [`Buy ${input.quantity} seats of ${product.displayName} (${product.partNumber}): ${(poolNow?.total ?? 0) + input.quantity} in total`],
      },
    },
    { dryRun, ...(input.approval ? { approval: input.approval } : {}) },
  );
  if (held) return held;
  const now = ctx.now();
  const tenantId = auth.tenant.id;
  const bought = await transactionOrDryRun(ctx, dryRun, async (tx) => {
    await lockOrganization(tx, tenantId);
    const purchase = await addSubscription(
      tx,
      {
        tenantId,
        skuId: product.skuId,
        partNumber: product.partNumber,
        quantity: input.quantity,
        ...(input.requestKey ? { requestKey: input.requestKey } : {}),
      },
      now,
    );
    if (!purchase.duplicate) {
      await writeAudit(
        tx,
        {
          tenantId,
          actor: auth.actorId,
          action: 'licenses.buy',
          targetType: 'product',
          targetId: product.skuId,
          changedFields: ['quantity'],
          summary: `Bought ${input.quantity} ${product.displayName} (${product.partNumber}); ${purchase.pool.total} in total`,
        },
        now,
      );
    }
    return purchase;
  });
  if (!bought.ok) return bought;
  if (!bought.value.duplicate && !dryRun) reportChange(ctx, auth.tenant, 'licenses', actor);
  const { pool } = bought.value;
  return ok({
    product,
    alsoNamedAlike: match.alsoNamedAlike,
    quantity: input.quantity,
    total: pool.total,
    assigned: pool.assigned,
    available: pool.total - pool.assigned,
    alreadyBought: bought.value.duplicate,
    dryRun,
  });
}

/** Whether the actor may open the Buy licenses form (Global or Billing admin). */
export async function mayBuyLicenses(ctx: CoreContext, actor: Actor): Promise<Result<{ organizationName: string }>> {
  const auth = await authorize(ctx, actor, 'buy_licenses');
  return auth.ok ? ok({ organizationName: auth.tenant.name }) : auth;
}
