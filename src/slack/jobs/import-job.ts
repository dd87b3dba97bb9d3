import { findImportJob, interruptImport } from '../../core/bulk/import-job-records.js';
import { IMPORT_JOB, importOfRun, takeImport } from '../../core/bulk/import-job.js';
import type { WorkspaceJob } from './workspace-job.js';
import { runImportFromSlack } from '../services/import-run.js';
import { announceInterruptedImports } from '../services/interrupted-imports.js';

/**
 * A CSV import's run in the app: the runner that claims it takes the import over and runs it
 * (services/import-run.ts), from where it stopped if an earlier run was cut short (a shutdown hands
 * it over between batches; a crash, once the lease runs out). A run that failed for good, or that
 * an admin cancelled, leaves the import interrupted, announced with its Resume button.
 */
export const importSlackJob: WorkspaceJob = {
  kind: IMPORT_JOB,
  async run(deps, job) {
    const importId = importOfRun(job.record);
    // Cancelled or finished meanwhile: nothing left to run.
    if (!(await takeImport(deps.core, importId))) return { done: { ran: false } };
    const how = await runImportFromSlack(deps, importId, { stopRequested: () => job.stopRequested() !== null });
    if (how === 'stopped') return { stopped: job.stopRequested() ?? 'drain' };
    const ended = await findImportJob(deps.core, importId);
    return { done: { status: ended?.status ?? 'gone', rowsDone: ended?.rowsDone ?? 0 } };
  },
  async ended(deps, job, how) {
    const interrupted = await interruptImport(deps.core, importOfRun(job));
    if (!interrupted) return;
    deps.logger.warn('import run ended without finishing', { job: interrupted.id, reason: 'failed' in how ? how.failed : 'cancelled' });
    await announceInterruptedImports(deps, [interrupted], 'failed' in how ? how.failed : 'Cancelled from /users jobs.');
  },
};
