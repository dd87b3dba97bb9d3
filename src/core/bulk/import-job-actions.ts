import { isOperator, type Actor, type CoreContext } from '../context.js';
import { queueNotice } from '../notices/queue-notice.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { CoreFailure, fail, invalidFields, ok, type CoreError, type Result } from '../result.js';
import { transaction } from '../transaction.js';
import type { JobQueue } from '../../domain/jobs.js';
import { queueImportRun } from './import-job.js';
import { hasPermission } from '../roles.js';
import { findImportJob, moveImportJob, type ImportJobRecord } from '../../store/import-jobs.js';
import { licensePools } from '../../store/seat-ledger.js';
import type { ImportSettings } from './import-types.js';
import { importSettingsProblems, readStoredSettings, storedSettings } from './import-settings.js';
import { assigningLicensesNeeds, IMPORT_GONE, SYNCED_FROM_TENANT } from '../refusals.js';
import { approvalRequired, holdForApproval } from '../approvals/request-approval.js';
import type { ApprovalGrant, HeldChange } from '../approvals/approval-change.js';
import { productBySkuId } from '../catalogue/catalogue.js';

async function jobFor(ctx: CoreContext, actor: Actor, jobId: string): Promise<{ ok: true; job: ImportJobRecord; auth: Authorized } | CoreError> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  const job = jobId ? await findImportJob(ctx.db, jobId, auth.tenant.id) : null;
  if (!job) return fail('not_found', IMPORT_GONE);
  return { ok: true, job, auth };
}

/**
 * Whether this admin may start this import with these settings (who they are, what they chose,
 * and that the job is still waiting to start); writes nothing. `startImport` checks it all again.
 */
export async function checkImportStart(
  ctx: CoreContext,
  actor: Actor,
  jobId: string,
  chosen: ImportSettings,
): Promise<Result<{ job: ImportJobRecord; settings: ImportSettings }>> {
  const checked = await startChecks(ctx, actor, jobId, chosen);
  if (!checked.ok) return checked;
  const { job, settings } = checked;
  if (job.status !== 'previewed') return fail('conflict', `This import is already ${job.status}.`);
  return ok({ job, settings });
}

async function startChecks(
  ctx: CoreContext,
  actor: Actor,
  jobId: string,
  chosen: ImportSettings,
): Promise<{ ok: true; job: ImportJobRecord; auth: Authorized; settings: ImportSettings } | CoreError> {
  const found = await jobFor(ctx, actor, jobId);
  if (!found.ok) return found;
  const { job, auth } = found;
  if (auth.tenant.directory !== 'embedded' && chosen.synced) return fail('unsupported', SYNCED_FROM_TENANT);
  if (chosen.licenses.length > 0 && !hasPermission(auth.roles, 'assign_licenses')) {
    return invalidFields([{ field: 'licenses', message: assigningLicensesNeeds() }]);
  }
  const owned = await licensePools(ctx.db, job.tenantId);
  const { settings, fields } = importSettingsProblems(
    chosen,
    owned.map((p) => p.skuId),
  );
  if (fields.length > 0) return invalidFields(fields);
  return { ok: true, job, auth, settings };
}

/**
 * The admin pressed "Add N users": checks who they are and what they chose, then moves the job
 * from previewed to running and queues its run (import-job.ts) in the same transaction, for the
 * runners of `queue` (the app's by default; a CLI process runs its own). Only one press wins (a
 * conditional update), so a double click or two admins pressing at once start one run.
 */
export async function startImport(
  ctx: CoreContext,
  actor: Actor,
  jobId: string,
  chosen: ImportSettings,
  options: { queue?: JobQueue; approval?: ApprovalGrant } = {},
): Promise<Result<{ job: ImportJobRecord; settings: ImportSettings; runId: string }>> {
  const checked = await startChecks(ctx, actor, jobId, chosen);
  if (!checked.ok) return checked;
  const { job, auth, settings } = checked;
  if (job.status === 'previewed' && !options.approval) {
    const change = await importChange(ctx, job, settings);
    // A command-line import reads its file where it runs: it cannot wait for an approval.
    if (job.fileId.startsWith('cli:') && (await approvalRequired(ctx, auth.tenant.id, change)))
      return fail(
        'unsupported',
        `An import of more than the policy's number of users needs a second admin's approval; a command-line import cannot wait for one. Import ${job.fileName} from Slack (it then waits for the approval), or in parts.`,
      );
    const held = await holdForApproval(ctx, auth, change, options);
    if (held) return held;
  }
  const now = ctx.now();
  const runId = await transaction(ctx, async (tx) => {
    const moved = await moveImportJob(tx, job.id, ['previewed'], 'running', now, {
      settings: storedSettings({ ...settings, startedBy: actor }),
      requestedBy: auth.actorId,
      startedAt: now,
      ownerId: null,
    });
    if (!moved) throw new CoreFailure(fail('conflict', `This import is already ${job.status === 'previewed' ? 'starting' : job.status}.`));
    return queueImportRun(ctx, tx, { ...job, requestedBy: auth.actorId }, options.queue ?? 'app');
  });
  if (!runId.ok) return runId;
  return ok({ job: { ...job, status: 'running', requestedBy: auth.actorId }, settings, runId: runId.value });
}

/**
 * An interrupted run goes on in this process: only the rows not yet made are made, and the users
 * made before get new passwords (see runImport). Whoever resumes receives the results; when that is
 * not the admin who started it, `confirmed` must say they know (the caller asks them first and tells
 * the starter: `startedBy` in the result).
 */
export async function resumeImport(
  ctx: CoreContext,
  actor: Actor,
  jobId: string,
  options: { confirmed?: boolean; queue?: JobQueue } = {},
): Promise<Result<{ job: ImportJobRecord; settings: ImportSettings; startedBy: string; takenOver: boolean; runId: string }>> {
  const found = await jobFor(ctx, actor, jobId);
  if (!found.ok) return found;
  const { job, auth } = found;
  if (job.status !== 'interrupted') return fail('conflict', `This import is ${job.status}, not interrupted: there is nothing to resume.`);
  const stored = readStoredSettings(job.settings);
  if (!stored.ok) return stored;
  const takenOver = job.requestedBy !== auth.actorId;
  if (takenOver && !options.confirmed) {
    return fail(
      'needs_confirmation',
      `This import was started by ${job.requestedBy}. Resuming it sends its results, with new passwords for the users it already made, to you instead.`,
    );
  }
  const runId = await transaction(ctx, async (tx) => {
    if (!(await moveImportJob(tx, jobId, ['interrupted'], 'running', ctx.now(), { requestedBy: auth.actorId, ownerId: null })))
      throw new CoreFailure(fail('conflict', 'This import was resumed or cancelled a moment ago by someone else.'));
    // A Slack member whose import someone at the command line takes over is told, by the app (the
    // CLI has no Slack); in Slack, the listener tells them itself, with a mention.
    if (takenOver && isOperator(actor) && !job.requestedBy.startsWith('cli:'))
      await queueNotice(
        ctx,
        {
          tenantId: job.tenantId,
          member: job.requestedBy,
          text: `${auth.actorId} resumed your import of ${job.fileName} at the command line; its results, with new temporary passwords for the users it had made, go to them.`,
        },
        tx,
      );
    return queueImportRun(ctx, tx, { ...job, requestedBy: auth.actorId }, options.queue ?? 'app');
  });
  if (!runId.ok) return runId;
  return ok({
    job: { ...job, status: 'running', requestedBy: auth.actorId },
    settings: stored.settings,
    startedBy: job.requestedBy,
    takenOver,
    runId: runId.value,
  });
}

export async function cancelImport(ctx: CoreContext, actor: Actor, jobId: string): Promise<Result<{ job: ImportJobRecord }>> {
  const found = await jobFor(ctx, actor, jobId);
  if (!found.ok) return found;
  if (!(await moveImportJob(ctx.db, jobId, ['previewed', 'interrupted'], 'cancelled', ctx.now(), { finishedAt: ctx.now(), ownerId: null }))) {
    return fail('conflict', `This import is ${found.job.status}; it can no longer be cancelled.`);
  }
  return ok({ job: { ...found.job, status: 'cancelled' } });
}

/** An import held for approval: the previewed import (its file or form rows stay with it) and the settings chosen. */
async function importChange(ctx: CoreContext, job: ImportJobRecord, settings: ImportSettings): Promise<HeldChange> {
  const pools = await licensePools(ctx.db, job.tenantId);
  const products = settings.licenses.map((choice) => {
    const pool = pools.find((p) => p.skuId === choice.skuId);
    const name = productBySkuId(choice.skuId)?.displayName ?? choice.skuId;
    return `${name} for each (${pool ? pool.total - pool.assigned : 0} seats available now)`;
  });
  return {
    kind: 'import',
    input: { jobId: job.id, settings: storedSettings(settings) },
    count: job.rowsReady,
    summary: {
      title: `import ${job.rowsReady} users from ${job.fileName}`,
      lines: [
        `Add ${job.rowsReady} users from ${job.fileName}${job.rowsWithProblems ? ` (${job.rowsWithProblems} rows with problems are left out)` : ''}`,
        `Sign-in ${settings.signInAllowed ? 'allowed' : 'blocked'}${settings.usageLocation ? `; usage location ${settings.usageLocation}` : ''}`,
        products.length ? `Licenses: ${products.join('; ')}` : 'No licenses',
      ],
    },
  };
}
