import type { MemberActor } from '../../core/context.js';
import { queueProductChange } from '../../core/licenses/product-change-job.js';
import type { ListenerDeps } from '../deps.js';
import { textMessage } from '../views/kit.js';

/**
 * Hands the Licenses page's assign or unassign to a job (slack/jobs/product-change-job.ts DMs the
 * outcome); a request the core refuses is answered by DM at once.
 */
export async function runProductChange(
  deps: ListenerDeps,
  actor: MemberActor,
  input: { product: string; users: { ids: string[] }; disabledPlans?: string[] },
  direction: 'assign' | 'unassign',
): Promise<void> {
  const queued = await queueProductChange(deps.core, actor, direction === 'assign' ? input : { product: input.product, users: input.users }, direction, {
    queue: 'app',
  });
  if (!queued.ok) await deps.slack.dm(actor.slackUserId, textMessage(queued.message));
}
