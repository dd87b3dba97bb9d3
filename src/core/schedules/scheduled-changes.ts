import { z } from 'zod';
import { actorSchema, type Actor, type CoreContext } from '../context.js';
import { authorize, forbidden } from '../access/authorize.js';
import { reauthorize } from '../access/act-on-user.js';
import { transactionOrDryRun } from '../dry-run.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { hasPermission, type Permission } from '../roles.js';
import { loadTarget, targetRefusal } from '../users/edit-user-target.js';
import { writeAudit } from '../../store/audit.js';
import { findJob, requestCancel, upcomingJobsOfTenant } from '../../store/jobs.js';
import { scheduleSettings } from '../../store/tenant-settings.js';
import type { JobRecord } from '../../domain/jobs.js';
import { mayOffboard, OFFBOARD_JOB, offboardPermissions, SCHEDULED_KINDS } from './offboarding.js';
import { START_JOB, startPermissions } from './onboarding.js';

const lineSchema = z.object({
  actor: actorSchema,
  userId: z.string(),
  userPrincipalName: z.string(),
  lastDay: z.string().optional(),
  startDate: z.string().optional(),
  deleteAfterDays: z.number().int().nullable().optional(),
  licenses: z.array(z.object({ skuId: z.string() })).optional(),
});

/** Offboardings, their deletes and new users' starts. */
const KINDS = [...SCHEDULED_KINDS, START_JOB];

const KIND_OF: Record<string, ScheduledChange['kind']> = { [OFFBOARD_JOB]: 'offboard', [START_JOB]: 'start' };

/** The permissions a change needs: offboarding's, a start's, or Delete's. */
function permissionsOf(kind: ScheduledChange['kind'], payload: z.infer<typeof lineSchema>): Permission[] {
  if (kind === 'offboard') return offboardPermissions(payload.deleteAfterDays ?? null);
  if (kind === 'start') return startPermissions(payload.licenses ?? []);
  return ['delete_users'];
}

/** One scheduled change as `/users scheduled` lists it. */
export interface ScheduledChange {
  id: string;
  /** Offboard on the last day, delete after it, or start a new user on their start date. */
  kind: 'offboard' | 'delete' | 'start';
  userId: string;
  userPrincipalName: string;
  /** The day it is for: the last day (offboard, delete) or the start date (start). */
  lastDay: string;
  deleteAfterDays: number | null;
  runAt: Date;
  /** Who scheduled it (a Slack member id, or `cli:<name>`). */
  requestedBy: string;
  running: boolean;
  /** The actor may change or cancel it. */
  canChange: boolean;
}

/** A job as a scheduled change; `may` says whether the actor holds these permissions (the change's own). */
function lineOf(job: JobRecord, may: (permissions: Permission[]) => boolean): ScheduledChange | null {
  const payload = lineSchema.safeParse(job.payload);
  if (!payload.success) return null;
  const kind = KIND_OF[job.kind] ?? 'delete';
  const canChange = may(permissionsOf(kind, payload.data));
  return {
    id: job.id,
    kind,
    userId: payload.data.userId,
    userPrincipalName: payload.data.userPrincipalName,
    lastDay: payload.data.lastDay ?? payload.data.startDate ?? '',
    deleteAfterDays: payload.data.deleteAfterDays ?? null,
    runAt: job.runAt,
    requestedBy: job.requestedBy,
    running: job.status === 'running',
    canChange: canChange && job.status === 'queued',
  };
}

/** How many scheduled changes `/users scheduled` shows (the command line shows them all). */
export const SCHEDULED_SHOWN = 40;

/**
 * `/users scheduled`, `roster users scheduled`: the organization's scheduled changes not run yet,
 * soonest first, at most `limit` of them, and how many there are (any admin role).
 */
export async function listScheduledChanges(
  ctx: CoreContext,
  actor: Actor,
  limit = SCHEDULED_SHOWN,
): Promise<Result<{ changes: ScheduledChange[]; total: number; timeZone: string; hour: number }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const { jobs, total } = await upcomingJobsOfTenant(ctx.db, auth.tenant.id, KINDS, limit);
  const changes = jobs
    .map((job) => lineOf(job, (permissions) => permissions.every((p) => hasPermission(auth.roles, p))))
    .filter((c): c is ScheduledChange => c !== null);
  const { timeZone, hour } = await scheduleSettings(ctx.db, auth.tenant.id);
  return ok({ changes, total, timeZone, hour });
}

/** One scheduled change of the organization by id, not run yet. */
export async function scheduledChange(ctx: CoreContext, actor: Actor, id: string): Promise<Result<{ change: ScheduledChange }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const job = await findJob(ctx.db, id.trim());
  const change = job && job.tenantId === auth.tenant.id && KINDS.includes(job.kind) ? lineOf(job, () => true) : null;
  if (!change || !job || job.status !== 'queued') return fail('not_found', NOT_SCHEDULED);
  return ok({ change });
}

const NOT_SCHEDULED = 'That change is not scheduled any more (it ran, is running or was cancelled). See `/users scheduled`.';

const PERMISSION_OF: Record<ScheduledChange['kind'], Permission> = { offboard: 'block_users', delete: 'delete_users', start: 'create_users' };

/**
 * Cancel: a scheduled change not run yet is dropped. Needs the permissions of the change itself
 * (offboarding's, a start's, or Delete's for a delete) and to be allowed to act on the user; audited.
 * A start cancelled leaves the account as it is: sign-in blocked, no license, no password anyone knows.
 */
export async function cancelScheduledChange(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  options: { dryRun?: boolean } = {},
): Promise<Result<{ change: ScheduledChange; dryRun: boolean }>> {
  const found = await scheduledChange(ctx, actor, id);
  if (!found.ok) return found;
  const { change } = found;
  const auth = await authorize(ctx, actor, PERMISSION_OF[change.kind]);
  if (!auth.ok) return auth;
  if (change.kind === 'offboard') {
    const missing = await mayOffboard(ctx, auth, change.deleteAfterDays);
    if (missing) return missing;
  }
  if (change.kind === 'start') {
    const missing = startPermissions([]).find((p) => !hasPermission(auth.roles, p));
    if (missing) return forbidden(ctx, auth, missing);
  }
  const target = await loadTarget(ctx, auth, { userId: change.userId });
  const refusal = target.ok ? targetRefusal(auth, target) : null;
  if (refusal) return fail('forbidden', refusal);
  const now = ctx.now();
  const done = await transactionOrDryRun(ctx, !!options.dryRun, async (tx) => {
    await reauthorize(tx, auth, PERMISSION_OF[change.kind]);
    if ((await requestCancel(tx, change.id, now)) !== 'cancelled') throw new CoreFailure(fail('conflict', NOT_SCHEDULED));
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: change.kind === 'start' ? 'user.start_cancelled' : 'user.offboard_cancelled',
        targetType: 'user',
        targetUserId: change.userId,
        changedFields: [change.kind === 'start' ? 'onboarding' : 'offboarding'],
        summary: `Cancelled the scheduled ${cancelledWhat(change)}`,
      },
      now,
    );
  });
  if (!done.ok) return done;
  return ok({ change, dryRun: !!options.dryRun });
}

/** What a cancelled change was, in words. */
export function cancelledWhat(change: Pick<ScheduledChange, 'kind' | 'userPrincipalName' | 'lastDay'>): string {
  if (change.kind === 'offboard') return `offboarding of ${change.userPrincipalName} (last day ${change.lastDay})`;
  if (change.kind === 'start')
    return `start of ${change.userPrincipalName} (start date ${change.lastDay}); the account stays blocked, without a license or a password anyone knows`;
  return `delete of ${change.userPrincipalName}`;
}
