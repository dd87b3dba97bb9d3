import type { CoreContext } from '../context.js';
import { tenantByTeam } from '../../store/organizations.js';
import { findImportJob as findJob, importJobsInStatus, moveImportJob, saveImportMessage, type ImportJobRecord } from '../../store/import-jobs.js';

/*
 * Bookkeeping of an import job that carries no rule: reading it, remembering the message that
 * shows it, and putting a run that could not start back to `interrupted`.
 */

export type { ImportJobRecord };

/** A job by id; with `teamId`, only if it belongs to that workspace's organization. */
export async function findImportJob(ctx: CoreContext, jobId: string, teamId?: string): Promise<ImportJobRecord | null> {
  if (!jobId) return null;
  if (teamId === undefined) return findJob(ctx.db, jobId);
  const tenant = await tenantByTeam(ctx.db, teamId);
  return tenant ? findJob(ctx.db, jobId, tenant.id) : null;
}

/** Interrupted jobs of a workspace's organization, oldest first (the CLI lists them to resume). */
export async function interruptedImports(ctx: CoreContext, teamId: string): Promise<ImportJobRecord[]> {
  const tenant = await tenantByTeam(ctx.db, teamId);
  return tenant ? importJobsInStatus(ctx.db, 'interrupted', tenant.id) : [];
}

/** The message that shows the preview, then the progress and the outcome (updated in place). */
export async function recordImportMessage(ctx: CoreContext, jobId: string, message: { channel: string; ts: string }): Promise<void> {
  await saveImportMessage(ctx.db, jobId, message, ctx.now());
}

/**
 * A run that could not start reading (its file could not be fetched again) goes back to
 * `interrupted`, so it can be resumed once the file is reachable instead of staying `running`.
 */
export async function interruptImport(ctx: CoreContext, jobId: string): Promise<ImportJobRecord | null> {
  return (await moveImportJob(ctx.db, jobId, ['running'], 'interrupted', ctx.now(), { ownerId: null })) ? findJob(ctx.db, jobId) : null;
}
