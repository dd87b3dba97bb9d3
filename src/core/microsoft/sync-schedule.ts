import { subMinutes } from 'date-fns';
import { connectedTenantIds, deletePendingConnectionsBefore } from '../../store/directory-connections.js';
import type { CoreContext } from '../context.js';
import type { JobHandler } from '../jobs/job-handler.js';
import { SCHEDULE_ACTOR, type Recurring } from '../jobs/scheduler.js';
import { CHECK_VALID_MINUTES } from './connect-organization.js';
import { failStoppedSyncs, openSync, queueSync, SYNC_JOB } from './sync-request.js';

/** The recurring job that asks for a sync of every connected organization. */
export const SYNC_SWEEP = 'sweep.directory-sync';

/** Every `everyMs` (and at start), once per slot across instances. */
export function syncSchedule(everyMs: number): Recurring {
  return { kind: SYNC_SWEEP, everyMs, atStart: true };
}

/**
 * Queues a sync of each connected organization that has none queued or running (a first sync of a
 * large tenant may take longer than the interval: the next one waits for it), one per slot; fails
 * the syncs of command lines that stopped, and forgets checks nobody confirmed within the hour.
 */
export function syncSweepHandler(core: CoreContext, everyMs: number): JobHandler {
  return {
    kind: SYNC_SWEEP,
    lane: 'light',
    async run() {
      const slot = Math.floor(core.now().getTime() / everyMs);
      // Checks nobody confirmed go, with their sealed secrets.
      await deletePendingConnectionsBefore(core.db, subMinutes(core.now(), CHECK_VALID_MINUTES));
      let queued = 0;
      for (const tenantId of await connectedTenantIds(core.db)) {
        await failStoppedSyncs(core, tenantId);
        if (await openSync(core, tenantId)) continue;
        const job = await queueSync(core, { tenantId, requestedBy: SCHEDULE_ACTOR, notify: null, key: `${SYNC_JOB}:${tenantId}@${slot}`, maxAttempts: 2 });
        if (job.created) queued += 1;
      }
      return { done: { queued } };
    },
  };
}
