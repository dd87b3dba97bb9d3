import type { NewJob } from '../../domain/jobs.js';
import type { Db } from '../../store/database.js';
import { enqueueJob } from '../../store/jobs.js';
import type { CoreContext } from '../context.js';

/**
 * Queues a job (in `tx` when given, so that it stands or falls with the change that asked for it)
 * and tells this process's runner. A key already used queues nothing and returns that job.
 */
export async function enqueue(ctx: CoreContext, job: NewJob, tx: Db = ctx.db): Promise<{ id: string; created: boolean }> {
  const now = ctx.now();
  const queued = await enqueueJob(tx, job, now);
  if (queued.created) {
    const runAt = job.runAt ?? now;
    // In a transaction the runner is told on the next turn, after the commit is likely done; it looks again anyway.
    if (tx.isTransaction) setImmediate(() => ctx.jobQueued?.(runAt));
    else ctx.jobQueued?.(runAt);
  }
  return queued;
}
