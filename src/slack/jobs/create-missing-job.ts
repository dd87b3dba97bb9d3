import { holdCredential } from '../../core/credentials/hold-credential.js';
import type { RunningJob } from '../../core/jobs/job-handler.js';
import {
  CREATE_MISSING_JOB,
  createMissingResult,
  firstSyncAfterCreation,
  runCreateMissing,
  type NewPasswordKeeper,
} from '../../core/microsoft/create-missing-job.js';
import type { JobRecord } from '../../domain/jobs.js';
import type { ListenerDeps } from '../deps.js';
import { postHeldNotices } from '../services/post-held-notices.js';
import { createMissingResultsMessage } from '../views/connect-views.js';
import type { WorkspaceJob } from './workspace-job.js';

/**
 * Connect → "Create them in the tenant" in the app: the core makes the users a batch per step,
 * sealing each new temporary password for the admin who connected in that step's transaction; then
 * the notices are posted (each once: a rerun posts only those not posted yet) and, last, the one
 * results DM (recorded as sent). Cancelled or failed for good, what was made is still reported, its
 * passwords' notices still posted, and the first sync still queued (it leaves the others out).
 */
export const createMissingSlackJob: WorkspaceJob = {
  kind: CREATE_MISSING_JOB,
  async run(deps, job) {
    const end = await runCreateMissing(deps.core, job, keeper(deps, job.record));
    if ('stopped' in end) return end;
    await report(deps, job.record, { finished: true }, job);
    deps.logger.info('users created in the tenant at connect', { job: job.record.id, by: job.record.requestedBy, ...end.done });
    return end;
  },
  async ended(deps, job, how) {
    await firstSyncAfterCreation(deps.core, job.id);
    await report(deps, job, 'cancelled' in how ? { cancelled: true } : { failed: how.failed });
  },
};

/** Seals each new password for the admin who connected, in the step's transaction. */
function keeper(deps: ListenerDeps, job: JobRecord): NewPasswordKeeper {
  return async (tx, notice) => {
    const held = await holdCredential(deps.core, deps.secretKey, { notice, recipient: job.requestedBy, sentBy: job.requestedBy }, tx);
    if (!held.ok) throw new Error(held.message);
    return [held.id];
  };
}

async function report(
  deps: ListenerDeps,
  job: JobRecord,
  ended: { finished: true } | { cancelled: true } | { failed: string },
  running?: RunningJob,
): Promise<void> {
  const result = await createMissingResult(deps.core, job.id);
  const undelivered = await postHeldNotices(deps, result.held);
  if (running?.progress.reported) return;
  await deps.slack.dm(job.requestedBy, createMissingResultsMessage(result, ended, undelivered));
  await running?.saveProgress({ reported: true });
}
