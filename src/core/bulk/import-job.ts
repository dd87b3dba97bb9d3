import { z } from 'zod';
import type { JobQueue, JobRecord } from '../../domain/jobs.js';
import type { Db } from '../../store/database.js';
import { moveImportJob, runningImports, takeImportOwnership, type ImportJobRecord } from '../../store/import-jobs.js';
import { countJobsWithKeyPrefix, failAbandonedJob, latestJobWithKeyPrefix } from '../../store/jobs.js';
import type { CoreContext } from '../context.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure } from '../jobs/job-handler.js';
import { STALE_AFTER_MS } from './import-ownership.js';

/**
 * An import runs as a job (core/jobs): starting or resuming it queues a run (`import:<id>:<n>`),
 * which a runner claims under a lease; the runner that claims it takes the import's ownership
 * (each batch's transaction checks it), so two runners never make the same rows. A run stopped at
 * shutdown, or whose process died, is claimed again and goes on: the users it made before get new
 * temporary passwords, since its results never reached anyone. Imports started at the command line
 * run on that process's own queue; if it dies, the import becomes interrupted, to be resumed.
 */
export const IMPORT_JOB = 'import';

const payloadSchema = z.object({ importId: z.string() });

const runKeyPrefix = (importId: string) => `import:${importId}:`;

/** Queues a run of an import that was just moved to running (inside that transaction). */
export async function queueImportRun(ctx: CoreContext, tx: Db, job: { id: string; tenantId: string; requestedBy: string }, queue: JobQueue): Promise<string> {
  const runs = await countJobsWithKeyPrefix(tx, runKeyPrefix(job.id));
  const queued = await enqueue(
    ctx,
    {
      tenantId: job.tenantId,
      kind: IMPORT_JOB,
      key: `${runKeyPrefix(job.id)}${runs + 1}`,
      queue,
      payload: { importId: job.id } satisfies z.input<typeof payloadSchema>,
      requestedBy: job.requestedBy,
      maxAttempts: 5,
    },
    tx,
  );
  return queued.id;
}

/** The import a run is for. */
export function importOfRun(job: JobRecord): string {
  const payload = payloadSchema.safeParse(job.payload);
  if (!payload.success) throw new PermanentJobFailure('The import run could not be read back.');
  return payload.data.importId;
}

/** The runner that claimed the run owns the import from now on; false when it is no longer running (cancelled meanwhile). */
export function takeImport(ctx: CoreContext, importId: string): Promise<boolean> {
  return takeImportOwnership(ctx.db, importId, ctx.instanceId, ctx.now());
}

/**
 * Running imports that nothing will run any more become interrupted, to be resumed (returned, to
 * be announced): their run ended without finishing them, their command-line process stopped
 * (its queue has no other runner), or they have no run at all (started by a Roster before jobs,
 * whose process went silent). Runs on the app's queue are left alone: a runner claims them again
 * when their lease ends.
 */
export async function interruptOrphanedImports(ctx: CoreContext): Promise<ImportJobRecord[]> {
  const now = ctx.now();
  const stale = now.getTime() - STALE_AFTER_MS;
  const interrupted: ImportJobRecord[] = [];
  for (const running of await runningImports(ctx.db)) {
    const run = await latestJobWithKeyPrefix(ctx.db, runKeyPrefix(running.id));
    const abandonedCli =
      run?.queue.startsWith('cli:') &&
      ((run.status === 'running' && (run.leaseExpiresAt?.getTime() ?? 0) < now.getTime()) || (run.status === 'queued' && run.createdAt.getTime() < stale));
    const orphan =
      run === null ? (running.heartbeatAt?.getTime() ?? 0) < stale : run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled';
    if (!orphan && !abandonedCli) continue;
    if (run && abandonedCli) await failAbandonedJob(ctx.db, run.id, 'Its command-line process stopped.', now);
    if (await moveImportJob(ctx.db, running.id, ['running'], 'interrupted', now, { ownerId: null }))
      interrupted.push({ ...running, status: 'interrupted', ownerId: null });
  }
  return interrupted;
}
