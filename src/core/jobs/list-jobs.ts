import type { JobRecord } from '../../domain/jobs.js';
import { findJob, jobsOfTenant, requestCancel } from '../../store/jobs.js';
import { authorize } from '../access/authorize.js';
import type { Actor, CoreContext } from '../context.js';
import { fail, ok, type Result } from '../result.js';
import { BULK_ACTION_JOB_NAMES } from '../users/bulk-action-job.js';

/** What admins see of a job: what it is, how far it got, who asked, and whether they may cancel it. */
export interface JobLine {
  id: string;
  kind: string;
  /** In words: "Edit users", "Export a view"… */
  what: string;
  status: JobRecord['status'] | 'stalled';
  /** "3,400 of 10,000" when the job counts its items. */
  progress: string | null;
  requestedBy: string;
  createdAt: Date;
  finishedAt: Date | null;
  error: string | null;
  /** True when the actor asked for it and it has not ended. */
  mayCancel: boolean;
}

const WHAT: Record<string, string> = {
  edit_many: 'Edit users',
  product_change: 'Assign or unassign a product',
  export: 'Export a view',
  import: 'Import users from a CSV',
  'home.refresh': 'Refresh an App Home',
  'sweep.expiry': 'Remove users deleted 30 days ago',
  'sweep.credentials': 'Destroy unshown passwords after 24 hours',
  'sweep.housekeeping': 'Forget old jobs and changes',
  ...BULK_ACTION_JOB_NAMES,
  'directory.sync': 'Sync with Microsoft 365',
  'directory.create_missing': 'Create users in Microsoft 365 (connect)',
  'licenses.seat_alert': 'Send a seat alert',
  'licenses.seat_digest': 'Send the weekly seat digest',
  'sweep.seat-digest': 'Queue the weekly seat digests due',
  'licenses.reclaim': 'Reclaim licenses',
  'users.offboard': 'Offboard a user on their last day',
  'users.offboard_delete': 'Delete an offboarded user',
  'approvals.notify': 'Ask the approvers of a request',
  'approvals.decided': 'Tell the outcome of an approval request',
  'approvals.run': 'Make an approved change',
  'sweep.approvals': 'Expire approval requests past their time',
  'users.start': 'Start a user on their start date',
  'users.start_notices': "Send a started user's credentials",
};

/** Jobs people asked for are listed; Roster's own (sweeps, App Home refreshes) are not. */
const listed = (job: JobRecord) => !job.requestedBy.startsWith('roster:');

/**
 * The organization's running and recent jobs (any admin role), newest first: `/users jobs` and
 * `npm run roster -- jobs`. A running job whose lease ran out is shown as stalled (its process
 * stopped; another runner takes it over, or `--resume` at the command line).
 */
export async function listJobs(ctx: CoreContext, actor: Actor, limit = 20): Promise<Result<{ jobs: JobLine[] }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const now = ctx.now();
  const jobs = (await jobsOfTenant(ctx.db, auth.tenant.id, Math.min(limit, 100) * 4)).filter(listed).slice(0, Math.min(limit, 100));
  return ok({
    jobs: jobs.map((job) => ({
      id: job.id,
      kind: job.kind,
      what: WHAT[job.kind] ?? job.kind,
      status: job.status === 'running' && job.leaseExpiresAt && job.leaseExpiresAt < now ? 'stalled' : job.status,
      progress: progressText(job),
      requestedBy: job.requestedBy,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
      error: job.error,
      mayCancel: job.requestedBy === auth.actorId && (job.status === 'queued' || job.status === 'running'),
    })),
  });
}

function progressText(job: JobRecord): string | null {
  // A sync does not know how many users it will read: it says how many it has.
  const read = (job.progress.counts as { users?: unknown } | undefined)?.users;
  if (typeof read === 'number') return `${read.toLocaleString('en')} users read`;
  const done = Number(job.progress.done ?? job.progress.next ?? Number.NaN);
  const total = Number(job.progress.total ?? Number.NaN);
  if (!Number.isFinite(done) || !Number.isFinite(total)) return null;
  return `${Math.min(done, total).toLocaleString('en')} of ${total.toLocaleString('en')}`;
}

/**
 * Cancels a job the actor asked for: a queued one at once, a running one at its next step (what it
 * did before stays done, and its report says so). Nobody cancels someone else's job.
 */
export async function cancelJob(ctx: CoreContext, actor: Actor, jobId: string): Promise<Result<{ job: string; how: 'cancelled' | 'stopping' }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const job = await findJob(ctx.db, jobId.trim());
  if (!job || job.tenantId !== auth.tenant.id || !listed(job))
    return fail('not_found', `No job ${jobId.trim()} in ${auth.tenant.name}. \`/users jobs\` lists them.`);
  if (job.requestedBy !== auth.actorId) return fail('forbidden', 'Only the admin who started a job can cancel it.');
  const how = await requestCancel(ctx.db, job.id, ctx.now());
  if (!how) return fail('conflict', `That job has already ended (${job.status}).`);
  return ok({ job: WHAT[job.kind] ?? job.kind, how });
}
