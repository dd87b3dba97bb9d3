import { reportChange, type Actor, type CoreContext } from '../context.js';
import { holdForApproval } from '../approvals/request-approval.js';
import type { ApprovalGrant } from '../approvals/approval-change.js';
import { authorize } from '../access/authorize.js';
import type { Product } from '../catalogue/catalogue.js';
import { transactionOrDryRun } from '../dry-run.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { writeAudit } from '../../store/audit.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { licensePools, setSeatTotal } from '../../store/seat-ledger.js';
import { MAX_PURCHASE } from './buy-licenses.js';
import { productOfOrganization } from './product-target.js';
import { WHOLE_NUMBER_OF_LICENSES, quantityRange } from '../refusals.js';

export interface ChangeQuantityResult {
  product: Product;
  before: number;
  total: number;
  assigned: number;
  dryRun: boolean;
}

/**
 * `/licenses set <product> <quantity>` (Global or Billing admin): sets a product's seats. Lowering
 * below what is assigned is refused, in one conditional UPDATE, so an assignment racing it cannot
 * leave more assigned than bought. Self-service seats are not counted (take them over first).
 */
export async function changeQuantity(
  ctx: CoreContext,
  actor: Actor,
  input: { product: string; quantity: number; dryRun?: boolean; approval?: ApprovalGrant },
): Promise<Result<ChangeQuantityResult>> {
  const auth = await authorize(ctx, actor, 'buy_licenses');
  if (!auth.ok) return auth;
  if (!Number.isInteger(input.quantity) || input.quantity < 0 || input.quantity > MAX_PURCHASE) {
    return fail('invalid_input', quantityRange(0, MAX_PURCHASE), [{ field: 'quantity', message: WHOLE_NUMBER_OF_LICENSES }]);
  }
  const found = await productOfOrganization(ctx.db, auth, input.product, { forAssignment: false });
  if (!found.ok) return found;
  const { product } = found;
  // Raising the quantity is buying: more seats than the policy's number at once waits for an approval.
  const pool = (await licensePools(ctx.db, auth.tenant.id)).find((p) => p.skuId === product.skuId);
  const more = input.quantity - (pool?.total ?? 0);
  if (more > 0) {
    const held = await holdForApproval(
      ctx,
      auth,
      {
        kind: 'buy_licenses',
        input: { product: product.partNumber, quantity: input.quantity, set: true, from: pool?.total ?? 0 },
        count: more,
        summary: {
          title: `raise ${product.displayName} to ${input.quantity} seats`,
          lines: [`Change ${product.displayName} (${product.partNumber}) from ${pool?.total ?? 0} to ${input.quantity} seats: ${more} more`],
        },
      },
      input,
    );
    if (held) return held;
  }
  const now = ctx.now();
  const changed = await transactionOrDryRun(ctx, input.dryRun ?? false, async (tx) => {
    await lockOrganization(tx, auth.tenant.id);
    const result = await setSeatTotal(tx, auth.tenant.id, product.skuId, input.quantity, now);
    if (!result.pool) throw new CoreFailure(fail('not_found', `The organization has no ${product.displayName} licenses to change.`));
    if (!result.changed) {
      throw new CoreFailure(
        fail(
          'conflict',
          `${result.pool.assigned} ${product.displayName} licenses are assigned, so the quantity can't go below ${result.pool.assigned}. Unassign some first (\`/licenses unassign ${product.partNumber}\`), then lower it.`,
          [{ field: 'quantity', message: `At least ${result.pool.assigned} (assigned now).` }],
        ),
      );
    }
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'licenses.quantity',
        targetType: 'product',
        targetId: product.skuId,
        changedFields: ['quantity'],
        summary: `Changed ${product.displayName} from ${result.before} to ${input.quantity} licenses`,
      },
      now,
    );
    return { before: result.before, total: result.pool.total, assigned: result.pool.assigned };
  });
  if (!changed.ok) return changed;
  if (!input.dryRun) reportChange(ctx, auth.tenant, 'licenses', actor);
  return ok({ product, ...changed.value, dryRun: input.dryRun ?? false });
}
