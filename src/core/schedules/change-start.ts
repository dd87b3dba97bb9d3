import type { Actor, CoreContext } from '../context.js';
import { authorize, forbidden } from '../access/authorize.js';
import { reauthorize } from '../access/act-on-user.js';
import { transactionOrDryRun } from '../dry-run.js';
import { CoreFailure, fail, invalidFields, ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { loadTarget, targetRefusal } from '../users/edit-user-target.js';
import { writeAudit } from '../../store/audit.js';
import { findJob } from '../../store/jobs.js';
import { scheduleSettings } from '../../store/tenant-settings.js';
import { isFieldError, parseStartDate, queueStart, START_JOB, startPayloadSchema, startPermissions, type StartPayload } from './onboarding.js';
import { dayIn } from './schedule-time.js';
import { scheduledChange } from './scheduled-changes.js';

export interface StartChanged {
  jobId: string;
  userPrincipalName: string;
  startDate: string;
  runAt: Date;
  timeZone: string;
  dryRun: boolean;
}

/** The form that changes a start date: the user, the date now, and today in the organization's zone. */
export interface StartDateForm {
  jobId: string;
  userPrincipalName: string;
  startDate: string;
  today: string;
  timeZone: string;
  hour: number;
}

const NOT_A_START = 'That scheduled change is not a start date. Change an offboarding with `/users offboard <user>`.';

/** The scheduled start `id` with its payload, and the actor allowed to change it (every permission of the start, and the user). */
async function changeableStart(ctx: CoreContext, actor: Actor, id: string) {
  const found = await scheduledChange(ctx, actor, id);
  if (!found.ok) return found;
  if (found.change.kind !== 'start') return fail('invalid_input', NOT_A_START);
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  const job = await findJob(ctx.db, found.change.id);
  const payload = job?.kind === START_JOB ? startPayloadSchema.safeParse(job.payload) : null;
  if (!payload?.success) return fail('not_found', 'That start is not scheduled any more. See `/users scheduled`.');
  const missing = startPermissions(payload.data.licenses).find((p) => !hasPermission(auth.roles, p));
  if (missing) return forbidden(ctx, auth, missing);
  const target = await loadTarget(ctx, auth, { userId: payload.data.userId });
  if (!target.ok) return target;
  const refusal = targetRefusal(auth, target);
  if (refusal) return fail('forbidden', refusal);
  return ok({ auth, payload: payload.data, jobId: found.change.id });
}

/** `/users scheduled` → Change on a start: the form (refused at once when the actor may not change it). */
export async function startDateForm(ctx: CoreContext, actor: Actor, id: string): Promise<Result<{ form: StartDateForm }>> {
  const start = await changeableStart(ctx, actor, id);
  if (!start.ok) return start;
  const { timeZone, hour } = await scheduleSettings(ctx.db, start.auth.tenant.id);
  const { payload } = start;
  return ok({
    form: { jobId: start.jobId, userPrincipalName: payload.userPrincipalName, startDate: payload.startDate, today: dayIn(ctx.now(), timeZone), timeZone, hour },
  });
}

/**
 * Change on a scheduled start (`/users scheduled`, `roster users scheduled --change <id> --start-date`):
 * the start is cancelled and queued again for the new day, in one transaction; today means now.
 * A past day is refused. Audited `user.start_changed`.
 */
export async function changeStartDate(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  startDate: string,
  options: { dryRun?: boolean } = {},
): Promise<Result<StartChanged>> {
  const start = await changeableStart(ctx, actor, id);
  if (!start.ok) return start;
  const { auth, payload, jobId } = start;
  const settings = await scheduleSettings(ctx.db, auth.tenant.id);
  const now = ctx.now();
  const parsed = parseStartDate(startDate, settings, now);
  if (isFieldError(parsed)) return invalidFields([parsed]);
  const day = parsed?.day ?? dayIn(now, settings.timeZone);
  const runAt = parsed?.runAt ?? now;
  const moved: StartPayload = { ...payload, startDate: day };
  const done = await transactionOrDryRun(ctx, !!options.dryRun, async (tx) => {
    const current = await reauthorize(tx, auth, 'create_users');
    const lost = startPermissions(payload.licenses).find((p) => !hasPermission(current.roles, p));
    if (lost) throw new CoreFailure(await forbidden(ctx, current, lost));
    const newId = await queueStart(ctx, tx, auth.tenant.id, moved, runAt, jobId);
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'user.start_changed',
        targetType: 'user',
        targetUserId: payload.userId,
        changedFields: ['onboarding'],
        summary: `Changed the start date of ${payload.userPrincipalName} from ${payload.startDate} to ${day}${parsed ? '' : ' (today: started now)'}`,
      },
      now,
    );
    return newId;
  });
  if (!done.ok) return done;
  return ok({ jobId: done.value, userPrincipalName: payload.userPrincipalName, startDate: day, runAt, timeZone: settings.timeZone, dryRun: !!options.dryRun });
}
