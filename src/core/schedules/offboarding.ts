import { addDays } from 'date-fns';
import { approvalRequired } from '../approvals/request-approval.js';
import { DELETE_NEEDS_APPROVAL } from '../refusals.js';
import { z } from 'zod';
import { actorId, actorSchema, actorSlackMember, type Actor, type CoreContext } from '../context.js';
import { authorize, forbidden, type Authorized } from '../access/authorize.js';
import { reauthorize } from '../access/act-on-user.js';
import { signInRefusal } from '../users/block-user.js';
import { loadTarget, targetRefusal, type TargetRef } from '../users/edit-user-target.js';
import { transactionOrDryRun } from '../dry-run.js';
import { enqueue } from '../jobs/enqueue.js';
import { CoreFailure, fail, invalidFields, ok, type CoreError, type FieldError, type Result } from '../result.js';
import { hasPermission, type Permission } from '../roles.js';
import { writeAudit } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { lastJobByKey, requestCancel } from '../../store/jobs.js';
import type { JobRecord } from '../../domain/jobs.js';
import { scheduleSettings } from '../../store/tenant-settings.js';
import { dayIn, isDay, zonedDayAt } from './schedule-time.js';
import { tellManager } from './tell-manager.js';

/** The job that offboards one user on their last day, and the one that deletes them N days later. */
export const OFFBOARD_JOB = 'users.offboard';
export const OFFBOARD_DELETE_JOB = 'users.offboard_delete';
export const SCHEDULED_KINDS = [OFFBOARD_JOB, OFFBOARD_DELETE_JOB] as const;

export const MAX_DELETE_AFTER_DAYS = 365;
/** How far ahead a last day may be. */
export const MAX_SCHEDULE_DAYS = 730;

/** What offboarding does, each with its permission: all are needed to schedule it, and again when it runs. */
export function offboardPermissions(deleteAfterDays: number | null): Permission[] {
  return ['block_users', 'reset_passwords', 'assign_licenses', ...(deleteAfterDays ? (['delete_users'] as const) : [])];
}

export const offboardPayloadSchema = z.object({
  actor: actorSchema,
  userId: z.string(),
  userPrincipalName: z.string(),
  lastDay: z.string(),
  deleteAfterDays: z.number().int().nullable(),
});
export type OffboardPayload = z.infer<typeof offboardPayloadSchema>;

export interface OffboardingInput {
  user: TargetRef;
  /** YYYY-MM-DD, in the organization's time zone. */
  lastDay: string;
  /** Delete the user this many days after their last day (1 to 365); null or absent: keep them. */
  deleteAfterDays?: number | string | null;
  dryRun?: boolean;
  /** The scheduled offboarding this one replaces (Change): cancelled in the same transaction. */
  replacing?: string;
}

export interface ScheduledOffboarding {
  jobId: string;
  userPrincipalName: string;
  lastDay: string;
  runAt: Date;
  timeZone: string;
  deleteAfterDays: number | null;
  dryRun: boolean;
}

/** The actor may do every part of offboarding (the refusal names the first permission missing). */
export async function mayOffboard(ctx: CoreContext, auth: Authorized, deleteAfterDays: number | null): Promise<CoreError | null> {
  const missing = offboardPermissions(deleteAfterDays).find((p) => !hasPermission(auth.roles, p));
  return missing ? forbidden(ctx, auth, missing) : null;
}

function parseDeleteAfter(raw: OffboardingInput['deleteAfterDays']): number | null | FieldError {
  if (raw === null || raw === undefined || raw === '') return null;
  const text = String(raw).trim();
  const days = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(days >= 1 && days <= MAX_DELETE_AFTER_DAYS))
    return { field: 'deleteAfterDays', message: `Delete after 1 to ${MAX_DELETE_AFTER_DAYS} days, or leave it empty to keep the user.` };
  return days;
}

/**
 * `/users offboard`, `roster users offboard --last-day`: schedules one user's offboarding (docs/
 * domain.md "Scheduled offboarding"). On the last day, at the organization's set hour in its time
 * zone: sign-in blocked, the password reset (the new one goes to nobody), the licenses taken (the
 * mailbox's grace as today), and optionally the user deleted N days later. Needs every permission
 * of those actions and to be allowed to act on the user, now and again when it runs. One
 * scheduled offboarding per user; `replacing` changes one (cancelled and scheduled again at once).
 */
export async function scheduleOffboarding(ctx: CoreContext, actor: Actor, input: OffboardingInput): Promise<Result<ScheduledOffboarding>> {
  const auth = await authorize(ctx, actor, 'block_users');
  if (!auth.ok) return auth;
  const fields: FieldError[] = [];
  const lastDay = input.lastDay.trim();
  const { timeZone, hour } = await scheduleSettings(ctx.db, auth.tenant.id);
  const now = ctx.now();
  const today = dayIn(now, timeZone);
  if (!isDay(lastDay)) fields.push({ field: 'lastDay', message: 'The last day is a date written YYYY-MM-DD, such as 2027-03-31.' });
  else if (lastDay < today) fields.push({ field: 'lastDay', message: `The last day cannot be in the past (today is ${today} in ${timeZone}).` });
  else if (lastDay > dayIn(addDays(now, MAX_SCHEDULE_DAYS), timeZone))
    fields.push({ field: 'lastDay', message: `The last day must be within ${MAX_SCHEDULE_DAYS} days.` });
  const deleteAfterDays = parseDeleteAfter(input.deleteAfterDays);
  if (typeof deleteAfterDays === 'object' && deleteAfterDays !== null) fields.push(deleteAfterDays);
  if (fields.length > 0) return invalidFields(fields);
  const deleteAfter = deleteAfterDays as number | null;
  const missing = await mayOffboard(ctx, auth, deleteAfter);
  if (missing) return missing;
  // A scheduled delete would run with nobody to approve it: under a policy that holds deletes, it is asked for on the day instead.
  if (deleteAfter && (await approvalRequired(ctx, auth.tenant.id, { kind: 'delete_users' })))
    return invalidFields([{ field: 'deleteAfterDays', message: DELETE_NEEDS_APPROVAL }]);
  const target = await loadTarget(ctx, auth, input.user);
  if (!target.ok) return target;
  const refusal = targetRefusal(auth, target) ?? null;
  if (refusal) return fail('forbidden', refusal);
  const other = signInRefusal(auth, target.user, false);
  if (other) return other;
  const { user } = target;
  const runAt = zonedDayAt(lastDay, hour, timeZone);
  const payload: OffboardPayload = { actor, userId: user.id, userPrincipalName: user.userPrincipalName, lastDay, deleteAfterDays: deleteAfter };
  const done = await transactionOrDryRun(ctx, !!input.dryRun, async (tx) => {
    const current = await reauthorize(tx, auth, 'block_users');
    const lost = offboardPermissions(deleteAfter).find((p) => !hasPermission(current.roles, p));
    if (lost) throw new CoreFailure(await forbidden(ctx, current, lost));
    const key = await replaceOrRefuseTwice(tx, user.id, user.userPrincipalName, input.replacing, now);
    const { id, created } = await enqueue(
      ctx,
      { tenantId: auth.tenant.id, kind: OFFBOARD_JOB, key, payload, requestedBy: actorId(actor), maxAttempts: 3, runAt },
      tx,
    );
    if (!created) throw new CoreFailure(fail('conflict', alreadyScheduled(user.userPrincipalName)));
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: input.replacing ? 'user.offboard_changed' : 'user.offboard_scheduled',
        targetType: 'user',
        targetUserId: user.id,
        changedFields: ['offboarding'],
        summary: `${input.replacing ? 'Changed the offboarding of' : 'Scheduled the offboarding of'} ${user.userPrincipalName}: last day ${lastDay} (${String(hour).padStart(2, '0')}:00 ${timeZone})${deleteAfter ? `, deleted ${deleteAfter} days later` : ''}`,
      },
      now,
    );
    await tellManager(
      ctx,
      tx,
      auth.tenant.id,
      user.id,
      actorSlackMember(actor),
      `${input.replacing ? 'IT changed the offboarding of your report' : 'IT scheduled the offboarding of your report'} ${user.displayName} (${user.userPrincipalName}): their last day is ${lastDay}. That day they will no longer be able to sign in and their licenses will be removed${deleteAfter ? `; the account is deleted ${deleteAfter} days later` : ''}. You will get a summary once it is done.`,
    );
    return id;
  });
  if (!done.ok) return done;
  return ok({ jobId: done.value, userPrincipalName: user.userPrincipalName, lastDay, runAt, timeZone, deleteAfterDays: deleteAfter, dryRun: !!input.dryRun });
}

/**
 * Offboarding jobs are keyed `offboard:<user id>:<generation>` (zero-padded, one more each time):
 * a user's latest is found by its key (an index), whatever the number pending, and two schedulings
 * of one user cannot both make a job.
 */
const offboardKeyPrefix = (userId: string) => `offboard:${userId}:`;

/** The user's latest offboarding job, and whether it has not run yet (queued or running). */
async function latestOffboarding(db: Db, userId: string): Promise<{ job: JobRecord | null; open: boolean }> {
  const job = await lastJobByKey(db, offboardKeyPrefix(userId));
  return { job, open: !!job && (job.status === 'queued' || job.status === 'running') };
}

async function openOffboarding(db: Db, userId: string): Promise<JobRecord | null> {
  const latest = await latestOffboarding(db, userId);
  return latest.open ? latest.job : null;
}

/**
 * Inside the scheduling transaction (the organization's lock held): the offboarding being changed
 * is cancelled (refused when it ran or is running); another one of the same user refuses this one.
 * Returns the key of the new job.
 */
async function replaceOrRefuseTwice(tx: Db, userId: string, name: string, replacing: string | undefined, now: Date): Promise<string> {
  const latest = await latestOffboarding(tx, userId);
  const open = latest.open ? latest.job : null;
  if (replacing) {
    if (open?.id !== replacing || (await requestCancel(tx, replacing, now)) !== 'cancelled')
      throw new CoreFailure(
        fail('conflict', `The offboarding of ${name} you are changing already ran, is running or was cancelled. See \`/users scheduled\`.`),
      );
  } else if (open) throw new CoreFailure(fail('conflict', alreadyScheduled(name)));
  const generation = Number(latest.job?.key?.slice(offboardKeyPrefix(userId).length) ?? 0) || 0;
  return `${offboardKeyPrefix(userId)}${String(generation + 1).padStart(6, '0')}`;
}

function alreadyScheduled(name: string): string {
  return `The offboarding of ${name} is scheduled already: change or cancel it in \`/users scheduled\` (\`roster users scheduled\`).`;
}

/** What the offboarding form shows: the user, the organization's hour and zone, today there, and the current schedule when changing one. */
export interface OffboardForm {
  user: { id: string; userPrincipalName: string; displayName: string };
  timeZone: string;
  hour: number;
  today: string;
  current: { jobId: string; lastDay: string; deleteAfterDays: number | null } | null;
}

/**
 * The offboarding form for this user (`/users offboard <user>`, "Offboard…", Change): refused at
 * once when the actor may not offboard them, so the form never opens for nothing.
 */
export async function offboardForm(ctx: CoreContext, actor: Actor, ref: TargetRef, changing?: string): Promise<Result<{ form: OffboardForm }>> {
  const auth = await authorize(ctx, actor, 'block_users');
  if (!auth.ok) return auth;
  const target = await loadTarget(ctx, auth, ref);
  if (!target.ok) return target;
  const open = await openOffboarding(ctx.db, target.user.id);
  const mine = open?.status === 'queued' && (!changing || open.id === changing) ? open : null;
  const current = mine ? offboardPayloadSchema.parse(mine.payload) : null;
  const missing = await mayOffboard(ctx, auth, current?.deleteAfterDays ?? null);
  if (missing) return missing;
  const refusal = targetRefusal(auth, target) ?? signInRefusal(auth, target.user, false)?.message ?? null;
  if (refusal) return fail('forbidden', refusal);
  if (changing && !mine) return fail('not_found', 'That offboarding is not scheduled any more (it ran, is running or was cancelled). See `/users scheduled`.');
  const { timeZone, hour } = await scheduleSettings(ctx.db, auth.tenant.id);
  const { user } = target;
  return ok({
    form: {
      user: { id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName },
      timeZone,
      hour,
      today: dayIn(ctx.now(), timeZone),
      current: mine && current ? { jobId: mine.id, lastDay: current.lastDay, deleteAfterDays: current.deleteAfterDays } : null,
    },
  });
}
