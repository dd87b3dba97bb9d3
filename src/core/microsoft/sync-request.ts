import { z } from 'zod';
import type { JobQueue, JobRecord } from '../../domain/jobs.js';
import type { Db } from '../../store/database.js';
import { connectionOf } from '../../store/directory-connections.js';
import { failAbandonedJob, openJobsOfTenant } from '../../store/jobs.js';
import { authorize } from '../access/authorize.js';
import type { Actor, CoreContext } from '../context.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure } from '../jobs/job-handler.js';
import { notConnected } from '../refusals.js';
import { fail, ok, type Result } from '../result.js';

/** A sync of a connected organization's mirror (core/microsoft/sync-job.ts). */
export const SYNC_JOB = 'directory.sync';

const payloadSchema = z.object({
  /** The Slack member told by DM when it ends (who asked for it), if any. */
  notify: z.string().nullable(),
});

/** Queues a sync (in `tx` when given: with the connection that asks for it). */
export async function queueSync(
  ctx: CoreContext,
  sync: { tenantId: string; requestedBy: string; notify: string | null; queue?: JobQueue; key?: string; maxAttempts?: number },
  tx?: Db,
): Promise<{ id: string; created: boolean }> {
  return enqueue(
    ctx,
    {
      tenantId: sync.tenantId,
      kind: SYNC_JOB,
      ...(sync.key ? { key: sync.key } : {}),
      queue: sync.queue ?? 'app',
      payload: { notify: sync.notify } satisfies z.input<typeof payloadSchema>,
      requestedBy: sync.requestedBy,
      maxAttempts: sync.maxAttempts ?? 3,
    },
    tx,
  );
}

export function syncJobPayload(job: JobRecord): z.output<typeof payloadSchema> {
  const parsed = payloadSchema.safeParse(job.payload);
  if (!parsed.success) throw new PermanentJobFailure('The sync could not be read back; ask for it again.');
  return parsed.data;
}

/**
 * The organization's sync queued or running, if any: one of the app's, or one a command line runs
 * now (a command line's job whose lease ran out belongs to a process that stopped: it does not count).
 */
export async function openSync(ctx: CoreContext, tenantId: string): Promise<JobRecord | null> {
  const now = ctx.now();
  const open = await openJobsOfTenant(ctx.db, tenantId, [SYNC_JOB]);
  return open.find((job) => job.queue === 'app' || (job.status === 'running' && job.leaseExpiresAt !== null && job.leaseExpiresAt > now)) ?? null;
}

/** Sync jobs of a command line that stopped (killed mid-sync): failed, so that /users jobs says so. */
export async function failStoppedSyncs(ctx: CoreContext, tenantId: string): Promise<number> {
  const now = ctx.now();
  let failed = 0;
  for (const job of await openJobsOfTenant(ctx.db, tenantId, [SYNC_JOB])) {
    if (
      job.queue === 'app' ||
      (job.leaseExpiresAt !== null && job.leaseExpiresAt > now) ||
      (job.status === 'queued' && now.getTime() - job.createdAt.getTime() < 60_000)
    )
      continue;
    if (await failAbandonedJob(ctx.db, job.id, 'The command line that ran this sync stopped before it ended; the next sync goes on.', now)) failed += 1;
  }
  return failed;
}

/**
 * Reads the tenant's changes now (`/users sync`, `roster sync`; any admin role): queues a sync,
 * unless one is queued or running already (that one is returned). The member given is told by DM
 * when it ends.
 */
export async function requestSync(
  ctx: CoreContext,
  actor: Actor,
  options: { queue?: JobQueue; notify?: string | null; maxAttempts?: number } = {},
): Promise<Result<{ jobId: string; tenantName: string; alreadyQueued: boolean; queue: string }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const connection = await connectionOf(ctx.db, auth.tenant.id);
  if (connection?.status !== 'connected') return fail('not_found', notConnected(auth.tenant.name));
  const open = await openSync(ctx, auth.tenant.id);
  if (open) return ok({ jobId: open.id, tenantName: connection.displayName, alreadyQueued: true, queue: open.queue });
  const queue = options.queue ?? 'app';
  const job = await queueSync(ctx, {
    tenantId: auth.tenant.id,
    requestedBy: auth.actorId,
    notify: options.notify ?? null,
    queue,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  return ok({ jobId: job.id, tenantName: connection.displayName, alreadyQueued: false, queue });
}
