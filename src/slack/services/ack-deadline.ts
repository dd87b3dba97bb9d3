import { describeError } from '../../log.js';
import type { ListenerDeps } from '../deps.js';

/**
 * Acks, and says whether Slack got it. A late ack (Slack gave up, or Bolt already answered) is
 * logged, never thrown: whatever follows it (the credentials DM of a user just made) must still
 * happen.
 */
export async function safeAck(deps: Pick<ListenerDeps, 'logger'>, ack: (body?: never) => Promise<void>, body?: unknown): Promise<boolean> {
  try {
    await (ack as (body?: unknown) => Promise<void>)(body);
    return true;
  } catch (error) {
    deps.logger.warn('the ack did not reach Slack in time; the result follows by DM', describeError(error));
    return false;
  }
}

/** The work's result if it is done within `ms`, else null (it goes on; await `work` for it). */
export async function within<T>(work: Promise<T>, ms: number): Promise<{ value: T } | null> {
  if (ms <= 0) return null;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
