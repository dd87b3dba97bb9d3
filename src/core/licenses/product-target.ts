import type { Authorized } from '../access/authorize.js';
import type { Product } from '../catalogue/catalogue.js';
import { findProduct } from '../catalogue/find-product.js';
import { fail, type CoreError } from '../result.js';
import type { Db } from '../../store/database.js';
import { licensePools, selfServiceSeats } from '../../store/seat-ledger.js';

/**
 * The product a license-page command is about, among those the organization has (bought, or
 * self-service). `forAssignment` refuses a product with a self-service subscription not taken over.
 */
export async function productOfOrganization(db: Db, auth: Authorized, query: string, options: { forAssignment: boolean }): Promise<Product | CoreError> {
  const pools = await licensePools(db, auth.tenant.id);
  const selfService = await selfServiceSeats(db, auth.tenant.id);
  const known = [...pools.map((p) => p.skuId), ...selfService.map((s) => s.skuId)];
  const match = findProduct(query, known);
  if (!match.ok) return fail('invalid_input', match.message, [{ field: 'product', message: match.message }]);
  const { product } = match;
  if (!known.includes(product.skuId)) {
    return fail('not_found', `The organization has no ${product.displayName} licenses. Buy some with \`/licenses buy ${product.partNumber} <quantity>\`.`, [{ field: 'product', message: 'Not bought yet.' }]);
  }
  const pending = selfService.find((s) => s.skuId === product.skuId);
  if (options.forAssignment && pending) {
    return fail(
      'unsupported',
      `${product.displayName} has a self-service subscription (${pending.quantity} seats bought by a member). Its licenses can't be assigned or unassigned until a Global or Billing admin takes it over: \`/licenses takeover ${product.partNumber}\`.`,
    );
  }
  return product;
}
