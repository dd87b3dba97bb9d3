import { pruneAudit } from '../audit/audit-retention.js';
import { subDays, subMinutes } from 'date-fns';
import type { Logger } from '../../log.js';
import { deleteChangeEventsBefore, forgetHomeWatchesBefore } from '../../store/change-events.js';
import { deleteEndedJobsBefore } from '../../store/jobs.js';
import type { CoreContext } from '../context.js';
import { sweepExpired } from '../users/purge-deleted.js';
import type { JobHandler } from './job-handler.js';
import type { Recurring } from './scheduler.js';

/** How long an ended job stays listed (`/users jobs`), and the change feed is kept. */
export const ENDED_JOBS_KEPT_DAYS = 30;
export const CHANGES_KEPT_DAYS = 1;
/** How long after opening it a member counts as having their App Home open (Slack does not say when it closes). */
export const HOME_WATCH_MINUTES = 30;

/**
 * The database's own recurring work, run once per slot across instances: users deleted 30+ days
 * ago are removed and ended mailbox graces end (every 10 minutes, and at each start: what fell due
 * while Roster was stopped); old jobs, feed rows and App Home watches are forgotten (hourly), and
 * audit records past their organization's retention removed (hourly).
 */
export const CORE_SCHEDULE: Recurring[] = [
  { kind: 'sweep.expiry', everyMs: 10 * 60_000, atStart: true },
  { kind: 'sweep.housekeeping', everyMs: 60 * 60_000 },
  { kind: 'sweep.audit', everyMs: 60 * 60_000 },
];

export function coreSweepHandlers(core: CoreContext, logger: Logger): JobHandler[] {
  return [
    {
      kind: 'sweep.expiry',
      lane: 'light',
      async run() {
        const done = await sweepExpired(core);
        if (done.purged.length || done.mailboxesRemoved.length)
          logger.info('expiry sweep', { purged: done.purged.length, mailboxesRemoved: done.mailboxesRemoved.length });
        return { done: { purged: done.purged.length, mailboxesRemoved: done.mailboxesRemoved.length } };
      },
    },
    {
      kind: 'sweep.housekeeping',
      lane: 'light',
      async run() {
        const now = core.now();
        // Roster's own jobs (sweeps, App Home refreshes) go after a day; those people asked for stay listed a month.
        const jobs =
          (await deleteEndedJobsBefore(core.db, subDays(now, 1), { requestedByPrefix: 'roster:' })) +
          (await deleteEndedJobsBefore(core.db, subDays(now, ENDED_JOBS_KEPT_DAYS)));
        const changes = await deleteChangeEventsBefore(core.db, subDays(now, CHANGES_KEPT_DAYS));
        await forgetHomeWatchesBefore(core.db, subMinutes(now, HOME_WATCH_MINUTES));
        return { done: { jobs, changes } };
      },
    },
    {
      // Audit records older than their organization's retention (kept forever unless a Global admin set one).
      kind: 'sweep.audit',
      lane: 'light',
      async run() {
        const removed = await pruneAudit(core);
        if (removed > 0) logger.info('audit records past their retention removed', { removed });
        return { done: { removed } };
      },
    },
  ];
}
