import { holdCredential } from '../../core/credentials/hold-credential.js';
import type { RunningJob } from '../../core/jobs/job-handler.js';
import { BULK_ACTIONS, type BulkAction } from '../../core/users/bulk-action-input.js';
import { BULK_ACTION_JOB, bulkActionJobResult, runBulkActionJob, type PasswordKeeper } from '../../core/users/bulk-action-job.js';
import type { JobRecord } from '../../domain/jobs.js';
import type { ListenerDeps } from '../deps.js';
import { postHeldNotices } from '../services/post-held-notices.js';
import { bulkResultsMessage, type BulkReportFacts } from '../views/bulk-action-views.js';
import type { WorkspaceJob } from './workspace-job.js';

/**
 * The bulk actions in the app, one handler per action: the core acts on a user per step, sealing
 * each new password for the admin (and a reset's recipients) in that step's transaction; then the
 * notices are posted (each once: a rerun posts only those not posted yet) and, last, the one
 * results DM (recorded as sent, so a rerun does not repeat it). Cancelled or failed for good, what
 * was done is still reported, and its passwords' notices still posted.
 */
export const bulkActionSlackJobs: WorkspaceJob[] = BULK_ACTIONS.map((action) => handler(action));

function handler(action: BulkAction): WorkspaceJob {
  return {
    kind: BULK_ACTION_JOB[action],
    async run(deps, job) {
      const end = await runBulkActionJob(deps.core, job, keeper(deps, job.record));
      if ('stopped' in end) return end;
      await report(deps, job.record, { finished: true }, job);
      deps.logger.info('bulk action done', { job: job.record.id, by: job.record.requestedBy, action, ...end.done });
      return end;
    },
    async ended(deps, job, how) {
      await report(deps, job, 'cancelled' in how ? { cancelled: true } : { failed: how.failed });
    },
  };
}

/** Seals each new password for every member its notice is for, in the step's transaction; the ids are kept with the outcome. */
function keeper(deps: ListenerDeps, job: JobRecord): PasswordKeeper {
  return async (tx, notice, to) => {
    const ids: string[] = [];
    for (const recipient of to) {
      const held = await holdCredential(deps.core, deps.secretKey, { notice, recipient, sentBy: job.requestedBy }, tx);
      if (!held.ok) throw new Error(held.message);
      ids.push(held.id);
    }
    return ids;
  };
}

async function report(deps: ListenerDeps, job: JobRecord, ended: BulkReportFacts['ended'], running?: RunningJob): Promise<void> {
  const result = await bulkActionJobResult(deps.core, job.id);
  const undelivered = await postHeldNotices(deps, result.held);
  if (running?.progress.reported) return;
  await deps.slack.dm(job.requestedBy, bulkResultsMessage(result, { ended, recipients: result.noticesTo, undelivered, total: result.total }));
  await running?.saveProgress({ reported: true });
}
