import type { Actor, CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { fail, invalidFields, ok, type CoreError, type Result } from '../result.js';
import { hasPermission, roleLabels, rolesGranting } from '../roles.js';
import type { ImportJob } from '../../generated/prisma/index.js';
import type { ImportSettings } from './import-types.js';
import { moveImportJob } from './import-job-writes.js';
import { licensePools } from '../store/tenant-store.js';
import { importSettingsProblems } from './import-settings.js';

async function jobFor(ctx: CoreContext, actor: Actor, jobId: string): Promise<{ ok: true; job: ImportJob; auth: Authorized } | CoreError> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  const job = await ctx.db.importJob.findFirst({ where: { id: jobId, tenantId: auth.tenant.id } });
  if (!job) return fail('not_found', 'That import no longer exists. Upload the file again.');
  return { ok: true, job, auth };
}

/**
 * The admin pressed "Add N users": checks who they are and what they chose, then moves the job
 * from previewed to running. Only one press wins (a conditional update), so a double click or two
 * admins pressing at once start one run.
 */
export async function startImport(ctx: CoreContext, actor: Actor, jobId: string, chosen: ImportSettings): Promise<Result<{ job: ImportJob; settings: ImportSettings }>> {
  const found = await jobFor(ctx, actor, jobId);
  if (!found.ok) return found;
  const { job, auth } = found;
  if (chosen.license && !hasPermission(auth.roles, 'assign_licenses')) {
    return invalidFields([{ field: 'license', message: `Assigning licenses needs one of: ${roleLabels(rolesGranting('assign_licenses'))}.` }]);
  }
  const owned = licensePools(ctx.sqlite, job.tenantId);
  const { settings, fields } = importSettingsProblems(chosen, owned.map((p) => p.skuId));
  if (fields.length > 0) return invalidFields(fields);
  const now = ctx.now();
  const moved = moveImportJob(ctx.sqlite, job.id, ['previewed'], 'running', now, { settings: JSON.stringify(settings), requestedBy: actor.slackUserId, startedAt: now });
  if (!moved) return fail('conflict', `This import is already ${job.status === 'previewed' ? 'starting' : job.status}.`);
  return ok({ job: { ...job, status: 'running' }, settings });
}

/** An interrupted run goes on: only the rows not yet made are made (see runImport). */
export async function resumeImport(ctx: CoreContext, actor: Actor, jobId: string): Promise<Result<{ job: ImportJob; settings: ImportSettings }>> {
  const found = await jobFor(ctx, actor, jobId);
  if (!found.ok) return found;
  if (!moveImportJob(ctx.sqlite, jobId, ['interrupted'], 'running', ctx.now(), { requestedBy: actor.slackUserId })) return fail('conflict', `This import is ${found.job.status}, not interrupted: there is nothing to resume.`);
  return ok({ job: { ...found.job, status: 'running' }, settings: JSON.parse(found.job.settings) as ImportSettings });
}

export async function cancelImport(ctx: CoreContext, actor: Actor, jobId: string): Promise<Result<{ job: ImportJob }>> {
  const found = await jobFor(ctx, actor, jobId);
  if (!found.ok) return found;
  if (!moveImportJob(ctx.sqlite, jobId, ['previewed', 'interrupted'], 'cancelled', ctx.now(), { finishedAt: ctx.now() })) return fail('conflict', `This import is ${found.job.status}; it can no longer be cancelled.`);
  return ok({ job: { ...found.job, status: 'cancelled' } });
}

/** At start: runs that were going when the process stopped are marked interrupted, to be resumed. */
export async function markInterruptedImports(ctx: CoreContext): Promise<ImportJob[]> {
  const running = await ctx.db.importJob.findMany({ where: { status: 'running' } });
  if (running.length === 0) return [];
  const moved = running.filter((job) => moveImportJob(ctx.sqlite, job.id, ['running'], 'interrupted', ctx.now()));
  return moved.map((job) => ({ ...job, status: 'interrupted' }));
}
