import type { CoreContext } from '../context.js';
import { transaction } from '../transaction.js';
import { writeAudit } from '../../store/audit.js';
import { interruptOwnedImport, saveImportOutcome } from '../../store/import-jobs.js';
import type { ImportOutcome } from './import-types.js';
import { IMPORT_TAKEN_OVER } from '../refusals.js';

/** How a run ends: completed or failed (the job is over), or interrupted (to be resumed). */

type JobFacts = { id: string; tenantId: string; requestedBy: string; fileName: string };

const usersMade = (outcome: ImportOutcome) => outcome.created + outcome.createdWithoutLicense;

export async function finishRun(
  ctx: CoreContext,
  job: JobFacts,
  outcome: ImportOutcome,
  status: 'completed' | 'failed',
  failure?: string,
  changed?: () => void,
): Promise<ImportOutcome> {
  outcome.status = status;
  if (failure) outcome.failure = failure;
  const at = ctx.now();
  await transaction(ctx, async (tx) => {
    await saveImportOutcome(
      tx,
      outcome.jobId,
      {
        status,
        failure: failure ?? null,
        rowsDone: outcome.rowsRead,
        rowsCreated: outcome.created,
        rowsUnlicensed: outcome.createdWithoutLicense,
        rowsSkipped: outcome.skipped,
      },
      at,
    );
    await writeAudit(
      tx,
      {
        tenantId: job.tenantId,
        actor: job.requestedBy,
        action: 'users.import',
        targetType: 'import',
        targetId: outcome.jobId,
        summary: `Import of ${job.fileName} ${status}: ${usersMade(outcome)} users made, ${outcome.skipped} rows left out${failure ? ` (${failure})` : ''}`,
      },
      at,
    );
  });
  changed?.();
  return outcome;
}

/**
 * The file's reader stopped under the run: the job goes back to `interrupted` (its counts were
 * saved with each batch), so Resume, in Slack or `--resume` at the command line, goes on from there.
 */
export async function interruptRun(ctx: CoreContext, job: JobFacts, outcome: ImportOutcome, reason: string, changed?: () => void): Promise<ImportOutcome> {
  const at = ctx.now();
  const moved = await transaction(ctx, async (tx) => {
    if (!(await interruptOwnedImport(tx, job.id, ctx.instanceId, at))) return false;
    await writeAudit(
      tx,
      {
        tenantId: job.tenantId,
        actor: job.requestedBy,
        action: 'users.import',
        targetType: 'import',
        targetId: outcome.jobId,
        summary: `Import of ${job.fileName} interrupted after ${outcome.rowsRead} rows (${usersMade(outcome)} users made): ${reason}`,
      },
      at,
    );
    return true;
  });
  if (moved.ok && moved.value === true) {
    outcome.status = 'interrupted';
    outcome.failure = reason;
  } else {
    // No longer this process's running job (as when a batch finds it lost): nothing to resume from here.
    outcome.status = 'failed';
    outcome.failure = IMPORT_TAKEN_OVER;
  }
  changed?.();
  return outcome;
}

/** Ends a run whose completion was deferred (runImport's `deferCompletion`) once its passwords were delivered. */
export async function completeImport(ctx: CoreContext, job: JobFacts, outcome: ImportOutcome): Promise<ImportOutcome> {
  return finishRun(ctx, job, outcome, 'completed');
}
