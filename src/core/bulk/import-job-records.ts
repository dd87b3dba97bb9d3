import type { CoreContext } from '../context.js';
import type { ImportJob } from '../../generated/prisma/index.js';
import { moveImportJob, saveImportMessage } from './import-job-writes.js';

/*
 * Bookkeeping of an import job that carries no rule: reading it, remembering the message that
 * shows it, and putting a run that could not start back to `interrupted`.
 */

/** A job by id; with `teamId`, only if it belongs to that workspace's organization. */
export async function findImportJob(ctx: CoreContext, jobId: string, teamId?: string): Promise<ImportJob | null> {
  if (!jobId) return null;
  return ctx.db.importJob.findFirst({ where: { id: jobId, ...(teamId ? { tenant: { slackTeamId: teamId } } : {}) } });
}

/** The message that shows the preview, then the progress and the outcome (updated in place). */
export async function recordImportMessage(ctx: CoreContext, jobId: string, message: { channel: string; ts: string }): Promise<void> {
  saveImportMessage(ctx.sqlite, jobId, message, ctx.now());
}

/**
 * A run that could not start reading (its file could not be fetched again) goes back to
 * `interrupted`, so it can be resumed once the file is reachable instead of staying `running`.
 */
export async function interruptImport(ctx: CoreContext, jobId: string): Promise<ImportJob | null> {
  return moveImportJob(ctx.sqlite, jobId, ['running'], 'interrupted', ctx.now()) ? findImportJob(ctx, jobId) : null;
}
