import { addDays } from 'date-fns';
import { z } from 'zod';
import { actorId, actorSchema, actorSlackMember, type Actor, type CoreContext } from '../context.js';
import { enqueue } from '../jobs/enqueue.js';
import { CoreFailure, fail, type FieldError } from '../result.js';
import type { Permission } from '../roles.js';
import type { Db } from '../../store/database.js';
import { lastJobByKey, requestCancel } from '../../store/jobs.js';
import type { JobRecord } from '../../domain/jobs.js';
import { dayIn, isDay, zonedDayAt } from './schedule-time.js';
import { MAX_SCHEDULE_DAYS } from './offboarding.js';

/** The job that starts one user on their start date (docs/domain.md "Scheduled onboarding"). */
export const START_JOB = 'users.start';

/** What a start does, each with its permission: needed to schedule it, and again when it runs. */
export function startPermissions(licenses: readonly unknown[]): Permission[] {
  return ['create_users', 'block_users', 'reset_passwords', ...(licenses.length > 0 ? (['assign_licenses'] as const) : [])];
}

export const startPayloadSchema = z.object({
  actor: actorSchema,
  userId: z.string(),
  userPrincipalName: z.string(),
  startDate: z.string(),
  licenses: z.array(z.object({ skuId: z.string(), disabledPlans: z.array(z.string()) })),
  /** Slack members who get the credentials on the start date (the requester, when a member, too). */
  credentialRecipients: z.array(z.string()),
  mustChangePassword: z.boolean(),
});
export type StartPayload = z.infer<typeof startPayloadSchema>;

/** A start date as given: none (now), or a later day than today in the organization's zone. */
export type StartDay = { day: string; runAt: Date } | null;

/**
 * A start date (YYYY-MM-DD in the organization's zone): empty or today means now (null); a day in
 * the past, or more than two years ahead, is refused. `field` names the form's field or the row's column.
 */
export function parseStartDate(
  raw: string | undefined | null,
  settings: { timeZone: string; hour: number },
  now: Date,
  field = 'startDate',
): StartDay | FieldError {
  const text = (raw ?? '').trim();
  if (text === '') return null;
  const today = dayIn(now, settings.timeZone);
  if (!isDay(text)) return { field, message: 'The start date is a date written YYYY-MM-DD, such as 2027-03-01.' };
  if (text < today) return { field, message: `The start date cannot be in the past (today is ${today} in ${settings.timeZone}).` };
  if (text === today) return null;
  if (text > dayIn(addDays(now, MAX_SCHEDULE_DAYS), settings.timeZone)) return { field, message: `The start date must be within ${MAX_SCHEDULE_DAYS} days.` };
  return { day: text, runAt: zonedDayAt(text, settings.hour, settings.timeZone) };
}

export function isFieldError(value: StartDay | FieldError): value is FieldError {
  return value !== null && 'message' in value;
}

/** Whom the credentials reach on the start date: the requester when a Slack member, and the chosen recipients. */
export function startRecipients(actor: Actor, chosen: readonly string[]): string[] {
  const member = actorSlackMember(actor);
  return [...new Set([...(member ? [member] : []), ...chosen])];
}

export const NOBODY_TO_TELL =
  'A start date needs someone to send the credentials to on that day: choose a Slack member (`--send-credentials-to` on the command line).';

/** Start jobs are keyed `start:<user id>:<generation>`, as offboarding's are: one open per user, found by its key. */
const startKeyPrefix = (userId: string) => `start:${userId}:`;

/** The user's scheduled start not run yet (queued or running), if any. */
export async function openStart(db: Db, userId: string): Promise<JobRecord | null> {
  const job = await lastJobByKey(db, startKeyPrefix(userId));
  return job && (job.status === 'queued' || job.status === 'running') ? job : null;
}

/**
 * Queues the start of a user just made (in the transaction that made them, so both stand or fall
 * together), or the start that replaces one (Change: `replacing` is cancelled first).
 */
export async function queueStart(ctx: CoreContext, tx: Db, tenantId: string, payload: StartPayload, runAt: Date, replacing?: string): Promise<string> {
  const latest = await lastJobByKey(tx, startKeyPrefix(payload.userId));
  if (replacing) {
    const open = latest && latest.status === 'queued' ? latest : null;
    if (open?.id !== replacing || (await requestCancel(tx, replacing, ctx.now())) !== 'cancelled')
      throw new CoreFailure(
        fail('conflict', `The start of ${payload.userPrincipalName} you are changing already ran, is running or was cancelled. See \`/users scheduled\`.`),
      );
  }
  const generation = Number(latest?.key?.slice(startKeyPrefix(payload.userId).length) ?? 0) || 0;
  const { id, created } = await enqueue(
    ctx,
    {
      tenantId,
      kind: START_JOB,
      key: `${startKeyPrefix(payload.userId)}${String(generation + 1).padStart(6, '0')}`,
      payload,
      requestedBy: actorId(payload.actor),
      maxAttempts: 3,
      runAt,
    },
    tx,
  );
  if (!created) throw new CoreFailure(fail('conflict', `The start of ${payload.userPrincipalName} is scheduled already: see \`/users scheduled\`.`));
  return id;
}

/**
 * Deleting a user drops their start not run yet, in the delete's transaction: a deleted (or later
 * restored) user is not started by an old schedule. Returns whether one was cancelled.
 */
export async function cancelStartOf(tx: Db, userId: string, now: Date): Promise<boolean> {
  const open = await openStart(tx, userId);
  return !!open && open.status === 'queued' && (await requestCancel(tx, open.id, now)) === 'cancelled';
}

/**
 * The rows of a list, each blocked user with a scheduled start marked with when it runs (one look
 * by key per blocked user of the page: a page is at most 100 rows).
 */
export async function withStarts<T extends { id: string; accountEnabled: boolean }>(db: Db, users: readonly T[]): Promise<(T & { startsAt?: Date | null })[]> {
  return Promise.all(
    users.map(async (user) => {
      if (user.accountEnabled) return user;
      const start = await openStart(db, user.id);
      return start ? { ...user, startsAt: start.runAt } : user;
    }),
  );
}
