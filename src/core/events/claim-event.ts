import { subDays } from 'date-fns';
import type { CoreContext } from '../context.js';
import { claimKey, forgetKeysBefore } from '../../store/processed-events.js';

/** How long a claimed key is remembered; Slack retries within minutes, so a week is ample. */
export const EVENT_KEY_DAYS = 7;

/**
 * Claims a key (e.g. `file:<team>:<file id>`) before any work is done for it: Slack delivers an
 * event again when an ack was slow, and one upload arrives both as `file_shared` and as a
 * `message`. Only the first claim gets `true`, even when two deliveries race. Keys older than a
 * week are forgotten as new ones come.
 */
export async function claimEvent(ctx: CoreContext, key: string): Promise<boolean> {
  const now = ctx.now();
  const claimed = await claimKey(ctx.db, key, now);
  if (claimed) await forgetKeysBefore(ctx.db, subDays(now, EVENT_KEY_DAYS));
  return claimed;
}

export const fileEventKey = (teamId: string, fileId: string) => `file:${teamId}:${fileId}`;
