import type { CoreContext } from '../../core/context.js';
import { sweepExpired } from '../../core/users/purge-deleted.js';
import { describeError, type Logger } from '../../log.js';

/** How often the app removes users deleted 30+ days ago and ends expired mailbox graces. */
export const EXPIRY_SWEEP_MS = 10 * 60 * 1000;

/**
 * Runs the sweep at start (whatever fell due while Roster was stopped) and then every 10 minutes.
 * Everything it needs is in the database, so it survives restarts. Returns the stop function.
 */
export function startExpirySweep(core: CoreContext, logger: Logger): () => void {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = sweepExpired(core)
      .then((done) => {
        if (done.purged.length || done.mailboxesRemoved.length)
          logger.info('expiry sweep', { purged: done.purged.length, mailboxesRemoved: done.mailboxesRemoved.length });
      })
      .catch((error: unknown) => logger.error('expiry sweep failed', describeError(error)))
      .finally(() => {
        running = null;
      });
  };
  run();
  const timer = setInterval(run, EXPIRY_SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
