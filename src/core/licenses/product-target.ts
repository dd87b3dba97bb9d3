import { authorize, type Authorized } from '../access/authorize.js';
import type { Actor, CoreContext } from '../context.js';
import { licenseCounts } from './list-licenses.js';
import type { Product } from '../catalogue/catalogue.js';
import { findProduct } from '../catalogue/find-product.js';
import { fail, ok, type Result } from '../result.js';
import type { Db } from '../../store/database.js';
import { licensePools, selfServiceSeats } from '../../store/seat-ledger.js';

/**
 * The product a license-page command is about, among those the organization has (bought, or
 * self-service). `forAssignment` refuses a product with a self-service subscription not taken over.
 */
export async function productOfOrganization(
  db: Db,
  auth: Authorized,
  query: string,
  options: { forAssignment: boolean },
): Promise<Result<{ product: Product }>> {
  const pools = await licensePools(db, auth.tenant.id);
  const selfService = await selfServiceSeats(db, auth.tenant.id);
  const known = [...pools.map((p) => p.skuId), ...selfService.map((s) => s.skuId)];
  const match = findProduct(query, known);
  if (!match.ok) return fail('invalid_input', match.message, [{ field: 'product', message: match.message }]);
  const { product } = match;
  if (!known.includes(product.skuId)) {
    return fail('not_found', `The organization has no ${product.displayName} licenses. Buy some with \`/licenses buy ${product.partNumber} <quantity>\`.`, [
      { field: 'product', message: 'Not bought yet.' },
    ]);
  }
  const pending = selfService.find((s) => s.skuId === product.skuId);
  if (options.forAssignment && pending) {
    return fail(
      'unsupported',
      `${product.displayName} has a self-service subscription (${pending.quantity} seats bought by a member). Its licenses can't be assigned or unassigned until a Global or Billing admin takes it over: \`/licenses takeover ${product.partNumber}\`.`,
    );
  }
  return ok({ product });
}

/**
 * What the Licenses assign and unassign forms need: the product named (one the organization owns and
 * may assign: no self-service subscription left to take over) and its free seats. License admins
 * and up only.
 */
export async function productChangeForm(ctx: CoreContext, actor: Actor, product: string): Promise<Result<{ product: Product; available: number }>> {
  const auth = await authorize(ctx, actor, 'assign_licenses');
  if (!auth.ok) return auth;
  const found = await productOfOrganization(ctx.db, auth, product, { forAssignment: true });
  if (!found.ok) return found;
  const available = (await licenseCounts(ctx, auth.tenant.id)).find((l) => l.product.skuId === found.product.skuId)?.available ?? 0;
  return ok({ product: found.product, available });
}
