import { subDays } from 'date-fns';
import type { CoreContext } from '../context.js';
import { sqliteDate, statement } from '../store/statements.js';

/** How long a claimed key is remembered; Slack retries within minutes, so a week is ample. */
export const EVENT_KEY_DAYS = 7;

/**
 * Claims a key (e.g. `file:<team>:<file id>`) before any work is done for it: Slack delivers an
 * event again when an ack was slow, and one upload arrives both as `file_shared` and as a
 * `message`. Only the first claim gets `true`; the key is the primary key, so INSERT OR IGNORE is
 * atomic even when two deliveries race. Keys older than a week are forgotten as new ones come.
 */
export function claimEvent(ctx: CoreContext, key: string): boolean {
  const now = ctx.now();
  const inserted = statement(ctx.sqlite, 'INSERT OR IGNORE INTO ProcessedEvent (key, createdAt) VALUES (?, ?)').run(key, sqliteDate(now)).changes === 1;
  if (inserted) statement(ctx.sqlite, 'DELETE FROM ProcessedEvent WHERE createdAt < ?').run(sqliteDate(subDays(now, EVENT_KEY_DAYS)));
  return inserted;
}

export const fileEventKey = (teamId: string, fileId: string) => `file:${teamId}:${fileId}`;
