import { subDays } from 'date-fns';
import type { CoreContext } from '../context.js';

/** How long a claimed key is remembered; Slack retries within minutes, so a week is ample. */
export const EVENT_KEY_DAYS = 7;

/**
 * Claims a key (e.g. `file:<team>:<file id>`) before any work is done for it: Slack delivers an
 * event again when an ack was slow, and one upload arrives both as `file_shared` and as a
 * `message`. Only the first claim gets `true`; the key is the primary key, so INSERT OR IGNORE is
 * atomic even when two deliveries race. Keys older than a week are forgotten as new ones come.
 */
export async function claimEvent(ctx: CoreContext, key: string): Promise<boolean> {
  const now = ctx.now();
  const inserted = await ctx.db.$executeRaw`INSERT OR IGNORE INTO "ProcessedEvent" ("key", "createdAt") VALUES (${key}, ${now})`;
  if (inserted === 1 && Math.random() < 0.01) await ctx.db.processedEvent.deleteMany({ where: { createdAt: { lt: subDays(now, EVENT_KEY_DAYS) } } });
  return inserted === 1;
}

export const fileEventKey = (teamId: string, fileId: string) => `file:${teamId}:${fileId}`;
