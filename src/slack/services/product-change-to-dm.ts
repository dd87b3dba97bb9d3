import type { MemberActor } from '../../core/context.js';
import { assignProduct } from '../../core/licenses/assign-product.js';
import { unassignProduct } from '../../core/licenses/unassign-product.js';
import type { ListenerDeps } from '../deps.js';
import { textMessage } from '../views/kit.js';
import { productChangeResultMessage } from '../views/licenses-page-views.js';

/**
 * Assigns or unassigns a product for the users picked in the Licenses page form (one transaction
 * per user) and DMs the results, each user not done with why. Runs after the ack, in one call.
 */
export async function changeProductToDm(
  deps: ListenerDeps,
  actor: MemberActor,
  direction: 'assign' | 'unassign',
  input: { product: string; userIds: string[]; disabledPlans: string[] },
): Promise<void> {
  const change = { product: input.product, users: { ids: input.userIds } };
  const result =
    direction === 'assign'
      ? await assignProduct(deps.core, actor, { ...change, disabledPlans: input.disabledPlans })
      : await unassignProduct(deps.core, actor, change);
  await deps.slack.dm(actor.slackUserId, result.ok ? productChangeResultMessage(result, direction) : textMessage(result.message));
}
