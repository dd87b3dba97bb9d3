import type { Actor, CoreContext } from '../context.js';
import type { Result } from '../result.js';
import { changeProductForUsers, type ProductChangeInput, type ProductChangeResult } from './product-change.js';

/**
 * `/licenses assign <product>` (Global, User or License admin): gives one product, with the apps
 * chosen, to each user picked, each in its own transaction. Every user not licensed is listed with
 * each problem and its fix (no usage location, no seat left, a mutually exclusive plan and which
 * product holds it, a missing prerequisite, a guest without a Global admin).
 */
export function assignProduct(ctx: CoreContext, actor: Actor, input: ProductChangeInput): Promise<Result<ProductChangeResult>> {
  return changeProductForUsers(ctx, actor, input, 'assign');
}
