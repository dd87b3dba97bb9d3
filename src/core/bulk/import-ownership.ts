import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { CoreContext } from '../context.js';
import { heartbeatImport } from '../../store/import-jobs.js';

/*
 * A running import belongs to the process whose job runner took its run (its `ownerId`): every
 * batch's transaction checks it, so two processes never make the same rows. The owner also shows a
 * sign of life (`heartbeatAt`) with every batch and at least every HEARTBEAT_MS; an import with no
 * run at all (started by a Roster before jobs) counts as stopped once silent for STALE_AFTER_MS.
 * Taking a run over when its process dies is the job runner's (its lease: core/jobs).
 */
export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 60_000;

/** A name for this process as an owner of jobs: host, pid and a random part (pids are reused). */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Keeps a job's heartbeat while `work` runs, on a timer so that a slow batch or a slow file read
 * does not make the job look abandoned.
 */
export async function whileOwning<T>(ctx: CoreContext, jobId: string, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void heartbeatImport(ctx.db, jobId, ctx.instanceId, ctx.now()).catch(() => undefined), HEARTBEAT_MS);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
