import type { Actor, CoreContext } from '../context.js';
import type { Result } from '../result.js';
import { changeProductForUsers, type ProductChangeInput, type ProductChangeResult } from './product-change.js';

/**
 * `/licenses unassign <product>` (Global, User or License admin): takes one product from each user
 * picked, each in its own transaction, freeing the seats (a mailbox lost starts its 30-day grace).
 */
export function unassignProduct(ctx: CoreContext, actor: Actor, input: Omit<ProductChangeInput, 'disabledPlans'>): Promise<Result<ProductChangeResult>> {
  return changeProductForUsers(ctx, actor, input, 'unassign');
}
