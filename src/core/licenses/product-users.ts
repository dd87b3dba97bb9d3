import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import type { Product } from '../catalogue/catalogue.js';
import { ok, type Result } from '../result.js';
import { usersHoldingProduct } from '../../store/seat-ledger.js';
import { productOfOrganization } from './product-target.js';

/** How many of a product's users `/licenses users` lists (by display name); the count covers all. */
export const PRODUCT_USERS_SHOWN = 50;

/** `/licenses users <product>` (any admin role): who holds a product, the first 50 by display name, and how many. */
export async function productUsers(
  ctx: CoreContext,
  actor: Actor,
  query: string,
): Promise<Result<{ product: Product; users: { id: string; userPrincipalName: string; displayName: string }[]; count: number }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const found = await productOfOrganization(ctx.db, auth, query, { forAssignment: false });
  if (!found.ok) return found;
  const { product } = found;
  const { users, count } = await usersHoldingProduct(ctx.db, auth.tenant.id, product.skuId, PRODUCT_USERS_SHOWN);
  return ok({ product, users, count });
}
