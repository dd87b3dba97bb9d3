import { randomUUID } from 'node:crypto';
import { describeError } from '../../log.js';
import type { ListenerDeps } from '../deps.js';

/**
 * Runs work that follows an ack. A failure is logged (facts only) and the person is told in a DM,
 * with a reference to quote, instead of the request silently doing nothing.
 */
export async function afterAck(deps: ListenerDeps, userId: string, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    await reportFailure(deps, userId, what, error);
  }
}

/** Logs a failure (facts only, with a reference) and tells the person by DM what failed and what to quote. */
export async function reportFailure(deps: ListenerDeps, userId: string, what: string, error: unknown): Promise<void> {
  const reference = randomUUID().slice(0, 8);
  deps.logger.error(`${what} failed`, { reference, user: userId, ...describeError(error) });
  await deps.slack
    .dm(userId, {
      text: `Sorry, Roster could not ${what} (reference ${reference}). Try again; if it keeps failing, give this reference to whoever runs Roster.`,
    })
    .catch((dmError) => deps.logger.error('could not report a failure', { reference, ...describeError(dmError) }));
}
