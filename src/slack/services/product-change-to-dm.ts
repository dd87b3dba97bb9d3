import type { MemberActor } from '../../core/context.js';
import { queueProductChange } from '../../core/licenses/product-change-job.js';
import type { ListenerDeps } from '../deps.js';
import { textMessage } from '../views/kit.js';

/**
 * Hands the Licenses page's assign or unassign to a job after the ack, in one call
 * (slack/jobs/product-change-job.ts changes each user and DMs the results, each user not done with
 * why); a request the core refuses is answered by DM at once.
 */
export async function changeProductToDm(
  deps: ListenerDeps,
  actor: MemberActor,
  direction: 'assign' | 'unassign',
  input: { product: string; userIds: string[]; disabledPlans: string[] },
): Promise<void> {
  const users = { ids: input.userIds };
  const queued = await queueProductChange(
    deps.core,
    actor,
    direction === 'assign' ? { product: input.product, users, disabledPlans: input.disabledPlans } : { product: input.product, users },
    direction,
    { queue: 'app' },
  );
  if (!queued.ok) await deps.slack.dm(actor.slackUserId, textMessage(queued.message));
}
