import type { MemberActor } from '../../core/context.js';
import { queueExport } from '../../core/views/export-job.js';
import type { ListenerDeps } from '../deps.js';
import { esc } from '../views/kit.js';

/**
 * Hands the export of a view to a job (slack/jobs/export-job.ts uploads the CSV into the member's
 * DM); a view that does not exist, or a member who may not list users, is answered by DM at once.
 */
export async function exportViewToDm(deps: ListenerDeps, actor: MemberActor, viewText: string): Promise<void> {
  const queued = await queueExport(deps.core, actor, viewText);
  if (!queued.ok) await deps.slack.dm(actor.slackUserId, { text: esc(queued.message) });
}
