import type { Db } from '../../store/database.js';
import { managerOf } from '../../store/managers.js';
import type { CoreContext } from '../context.js';
import { queueNotice } from '../notices/queue-notice.js';

/**
 * The user's manager, when they are an active user linked to a Slack member (docs/domain.md
 * "Managers"), gets `text` by DM, queued in the caller's transaction; not when they are the one
 * already told (`told`).
 */
export async function tellManager(ctx: CoreContext, tx: Db, tenantId: string, userId: string, told: string | null, text: string): Promise<void> {
  const manager = await managerOf(tx, userId);
  if (!manager || manager.deleted || !manager.slackUserId || manager.slackUserId === told) return;
  await queueNotice(ctx, { tenantId, member: manager.slackUserId, text: text.slice(0, 3000) }, tx);
}
