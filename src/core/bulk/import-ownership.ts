import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { CoreContext } from '../context.js';
import { heartbeatImport, interruptStaleImports as interruptStale, type ImportJobRecord } from '../../store/import-jobs.js';

/*
 * A running import belongs to the process that runs it (its `ownerId`), which shows a sign of life
 * (`heartbeatAt`) with every batch and at least every HEARTBEAT_MS. Another process (a second
 * instance, the CLI, a restart) treats a running job as interrupted only once its owner has been
 * silent for STALE_AFTER_MS: a live owner's job is never taken over.
 */
export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 60_000;

/** A name for this process as an owner of jobs: host, pid and a random part (pids are reused). */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Running jobs whose owner went silent become interrupted (to be resumed); returns them. */
export async function interruptStaleImports(ctx: CoreContext): Promise<ImportJobRecord[]> {
  const now = ctx.now();
  return interruptStale(ctx.db, new Date(now.getTime() - STALE_AFTER_MS), now);
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
