import type { Actor, MemberActor } from '../../core/context.js';
import type { BulkAction, BulkActionInput } from '../../core/users/bulk-action-input.js';
import { queueBulkAction } from '../../core/users/bulk-action-job.js';
import { previewBulkAction } from '../../core/users/bulk-actions.js';
import type { ListenerDeps } from '../deps.js';
import { bulkActionTitle, bulkConfirmModal } from '../views/bulk-action-views.js';
import { esc } from '../views/kit.js';
import { messageModal } from '../views/message-modal.js';

/**
 * Opens a bulk action's confirmation for the rows ticked in a list: a rehearsal of the whole action
 * (rolled back) says who will be acted on and who not, with why; or a modal saying why not at all.
 */
export async function openBulkConfirmation(
  deps: ListenerDeps,
  actor: MemberActor,
  triggerId: string,
  action: BulkAction,
  userIds: readonly string[],
): Promise<void> {
  const title = bulkActionTitle(action);
  if (userIds.length === 0) {
    const where = action === 'restore' ? 'the deleted users' : 'the users';
    return void (await deps.slack.openView(triggerId, messageModal(title, `Tick ${where} first (the boxes under the list), then press the button again.`)));
  }
  const preview = await previewBulkAction(deps.core, actor, { action, users: { ids: userIds } });
  const view = preview.ok ? bulkConfirmModal(preview, userIds) : messageModal(title, esc(preview.message));
  // private_metadata holds at most 3,000 characters (a list shows at most 50 rows: far below it).
  if ((view.private_metadata ?? '').length > 3000)
    return void (await deps.slack.openView(triggerId, messageModal(title, 'That is too many users at once from one list. Tick fewer and repeat.')));
  await deps.slack.openView(triggerId, view);
}

/**
 * Hands a confirmed bulk action to a job after the ack (slack/jobs/bulk-action-job.ts posts the new
 * passwords' notices and the one results DM when it ends). A request the core refuses now (the
 * admin lost the role meanwhile) is answered by DM at once.
 */
export async function runBulkActionFromSlack(deps: ListenerDeps, actor: MemberActor & Actor, input: BulkActionInput): Promise<void> {
  const queued = await queueBulkAction(deps.core, actor, input, { queue: 'app' });
  if (!queued.ok) {
    await deps.slack.dm(actor.slackUserId, { text: esc(`${bulkActionTitle(input.action)}: nothing was done. ${queued.message}`) });
    return;
  }
  deps.logger.info('bulk action queued', { team: actor.teamId, by: actor.slackUserId, action: input.action, job: queued.jobId, users: queued.users });
}
