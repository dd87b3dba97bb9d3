import { addDays } from 'date-fns';
import { z } from 'zod';
import { actorSchema, actorSlackMember, reportChange, type CoreContext } from '../context.js';
import { identify, type Authorized } from '../access/authorize.js';
import { reauthorize } from '../access/act-on-user.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { changeDirectory, changedMeanwhile } from '../directory/change-directory.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure, type JobEnd, type JobHandler, type RunningJob } from '../jobs/job-handler.js';
import { changeUserLicenses, LicenseChangeRefused } from '../licenses/change-user-licenses.js';
import { queueNotice } from '../notices/queue-notice.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashPassword } from '../passwords/hash-password.js';
import { CoreFailure, fail } from '../result.js';
import { hasPermission } from '../roles.js';
import { setSignInWithin } from '../users/block-user.js';
import { deleteUserWithin } from '../users/delete-users.js';
import { loadTarget } from '../users/edit-user-target.js';
import { resetPasswordWithin } from '../users/reset-password.js';
import { writeAudit } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { licensePools, licensesOf } from '../../store/seat-ledger.js';
import type { JobRecord } from '../../domain/jobs.js';
import { START_JOB } from './onboarding.js';
import { runOnboarding } from './run-onboarding.js';
import { tellManager } from './tell-manager.js';
import { mayOffboard, OFFBOARD_DELETE_JOB, OFFBOARD_JOB, offboardPayloadSchema, type OffboardPayload } from './offboarding.js';

const deletePayloadSchema = z.object({ actor: actorSchema, userId: z.string(), userPrincipalName: z.string(), lastDay: z.string() });

/** What the offboarding did, for the summary. */
export interface OffboardSummary {
  userPrincipalName: string;
  blocked: boolean;
  licensesRemoved: string[];
  mailboxGrace: boolean;
  deleteAt: string | null;
}

function payloadOf<T>(schema: z.ZodType<T>, job: JobRecord): T {
  const parsed = schema.safeParse(job.payload);
  if (!parsed.success) throw new PermanentJobFailure('The scheduled change could not be read back.');
  return parsed.data;
}

/**
 * The requester as they are now, allowed every part of the change: a scheduler who lost a role (or
 * left) meanwhile makes the change fail for good, with why (`tellFailure` tells them by DM).
 */
async function requesterNow(ctx: CoreContext, actor: OffboardPayload['actor'], deleteAfterDays: number | null, what: string): Promise<Authorized> {
  const who = await identify(ctx, actor);
  if (!who.ok) throw new PermanentJobFailure(`${what} did not run: ${who.message}`);
  const refusal = await mayOffboard(ctx, who, deleteAfterDays);
  if (refusal) throw new PermanentJobFailure(`${what} did not run: you may no longer do it. ${refusal.message}`);
  return who;
}

/**
 * A scheduled change that failed for good (refused, or its attempts spent on errors): the
 * requester, when a Slack member, is told why by DM. A cancelled one tells nobody (whoever
 * cancelled it knows).
 */
export async function tellFailure(ctx: CoreContext, job: JobRecord, how: { failed: string } | { cancelled: true }): Promise<void> {
  if (!('failed' in how) || !job.tenantId) return;
  const payload = z.object({ actor: actorSchema, userPrincipalName: z.string() }).safeParse(job.payload);
  const member = payload.success ? actorSlackMember(payload.data.actor) : null;
  if (!member || !payload.success) return;
  const text = how.failed.startsWith('The ') ? how.failed : `The scheduled change of ${payload.data.userPrincipalName} did not run: ${how.failed}`;
  await queueNotice(ctx, { tenantId: job.tenantId, member, text: text.slice(0, 3000) });
}

/**
 * On the last day: sign-in blocked, the password reset to a generated one that nobody is given
 * (stored only as its hash; no notice), every license taken (a mailbox plan lost starts its grace),
 * and the delete queued for N days later when asked; all in one step, each part decided again by
 * the use case's own rules with the requester's roles as stored now. The summary goes to the
 * requester by DM, queued in the same transaction.
 */
export async function runOffboarding(ctx: CoreContext, job: RunningJob): Promise<JobEnd> {
  if (job.progress.summary) return { done: job.progress.summary as Record<string, unknown> };
  const payload = payloadOf(offboardPayloadSchema, job.record);
  const what = `The offboarding of ${payload.userPrincipalName} (last day ${payload.lastDay})`;
  const auth = await requesterNow(ctx, payload.actor, payload.deleteAfterDays, what);
  const target = await loadTarget(ctx, auth, { userId: payload.userId });
  if (!target.ok) throw new PermanentJobFailure(`${what} did not run: ${target.message}`);
  const value = generatePassword();
  const password = { value, hash: await hashPassword(value, 'generated') };
  const now = ctx.now();
  // Decided, sent to a connected tenant (changeDirectory), then kept with the job's progress.
  const done = await changeDirectory(
    ctx,
    auth.tenant,
    async (tx, directory) => {
      const summary = await offboardWithin(ctx, tx, directory, auth, target.user, password, payload, now);
      const member = actorSlackMember(payload.actor);
      if (member && job.record.tenantId) await queueNotice(ctx, { tenantId: job.record.tenantId, member, text: summaryText(summary) }, tx);
      await tellManager(ctx, tx, auth.tenant.id, target.user.id, member, managerSummaryText(target.user.displayName, payload.lastDay, summary));
      return summary;
    },
    { keep: (work) => job.step(work, (summary) => ({ summary })) },
  );
  // Met by a sync of the same user at every try: a later attempt runs it again (never lost for a race).
  if (changedMeanwhile(done)) throw new Error(metASync(what));
  if (!done.ok) throw new PermanentJobFailure(`${what} did not run: ${done.message} Nothing was changed.`);
  reportChange(ctx, auth.tenant, 'users', payload.actor);
  return { done: { ...done.value } };
}

async function offboardWithin(
  ctx: CoreContext,
  tx: Db,
  directory: DirectoryProvider,
  auth: Authorized,
  user: Parameters<typeof setSignInWithin>[3],
  password: { value: string; hash: string },
  payload: OffboardPayload,
  now: Date,
): Promise<OffboardSummary> {
  const blocked = await setSignInWithin(tx, directory, auth, user, false, now);
  // The notice resetPasswordWithin returns is the password's one appearance: dropped, so nobody has it.
  await resetPasswordWithin(tx, directory, auth, user, { password, mustChange: true }, now);
  const removed = await removeAllLicenses(tx, directory, auth, user, now);
  const deleteAt = payload.deleteAfterDays ? addDays(now, payload.deleteAfterDays) : null;
  if (deleteAt)
    await enqueue(
      ctx,
      {
        tenantId: auth.tenant.id,
        kind: OFFBOARD_DELETE_JOB,
        payload: { actor: payload.actor, userId: user.id, userPrincipalName: user.userPrincipalName, lastDay: payload.lastDay } satisfies z.input<
          typeof deletePayloadSchema
        >,
        requestedBy: auth.actorId,
        maxAttempts: 3,
        runAt: deleteAt,
      },
      tx,
    );
  return { userPrincipalName: user.userPrincipalName, blocked, ...removed, deleteAt: deleteAt?.toISOString() ?? null };
}

/** Every license the user holds, taken through the license rules and the seat ledger (as Unassign does), audited. */
async function removeAllLicenses(
  tx: Db,
  directory: DirectoryProvider,
  auth: Authorized,
  user: { id: string; userPrincipalName: string },
  now: Date,
): Promise<{ licensesRemoved: string[]; mailboxGrace: boolean }> {
  const current = await reauthorize(tx, auth, 'assign_licenses');
  const held = await licensesOf(tx, user.id);
  if (held.length === 0) return { licensesRemoved: [], mailboxGrace: false };
  try {
    const done = await changeUserLicenses(
      tx,
      user.id,
      { remove: held.map((l) => l.skuId) },
      {
        directory,
        ownedSkuIds: (await licensePools(tx, auth.tenant.id)).map((p) => p.skuId),
        mayLicenseGuests: hasPermission(current.roles, 'license_guests'),
        now,
      },
    );
    const names = done.removed.map((skuId) => productBySkuId(skuId)?.displayName ?? skuId);
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'user.licenses',
        targetType: 'user',
        targetUserId: user.id,
        changedFields: ['licenses', ...(done.mailbox === 'grace' ? ['mailbox'] : [])],
        summary: `Licenses of ${user.userPrincipalName}: removed ${names.join(', ')} (offboarding)`,
      },
      now,
    );
    return { licensesRemoved: names, mailboxGrace: done.mailbox === 'grace' };
  } catch (error) {
    if (!(error instanceof LicenseChangeRefused)) throw error;
    throw new CoreFailure(fail('conflict', error.message));
  }
}

export function summaryText(s: OffboardSummary): string {
  return [
    `Offboarded ${s.userPrincipalName} (their last day):`,
    `• sign-in ${s.blocked ? 'blocked' : 'was blocked already'}; it can take up to about an hour to reach every device`,
    '• password reset to one nobody was given',
    `• ${s.licensesRemoved.length ? `licenses removed: ${s.licensesRemoved.join(', ')}${s.mailboxGrace ? ' (the mailbox is kept 30 days, then removed)' : ''}` : 'no licenses to remove'}`,
    ...(s.deleteAt ? [`• to be deleted on ${s.deleteAt.slice(0, 10)} (UTC); \`/users scheduled\` to cancel`] : []),
  ].join('\n');
}

/** What the manager of an offboarded user is told: what happened to their report (never a password: nobody has it). */
export function managerSummaryText(displayName: string, lastDay: string, s: OffboardSummary): string {
  return [
    `Your report ${displayName} (${s.userPrincipalName}) was offboarded on their last day, ${lastDay}, as scheduled by IT:`,
    '• they can no longer sign in (it can take up to about an hour to reach every device), and their password was reset',
    `• ${s.licensesRemoved.length ? `licenses removed: ${s.licensesRemoved.join(', ')}${s.mailboxGrace ? ' (the mailbox is kept 30 days, then removed)' : ''}` : 'they held no licenses'}`,
    ...(s.deleteAt ? [`• the account is to be deleted on ${s.deleteAt.slice(0, 10)} (UTC)`] : []),
    'Ask IT if you need anything from their mailbox or files before then.',
  ].join('\n');
}

/** N days after the last day: the user deleted (kept 30 days, restorable), with the rules of Delete decided again. */
export async function runOffboardDelete(ctx: CoreContext, job: RunningJob): Promise<JobEnd> {
  if (job.progress.deleted) return { done: { deleted: job.progress.deleted } };
  const payload = payloadOf(deletePayloadSchema, job.record);
  const what = `The delete of ${payload.userPrincipalName} (offboarded on ${payload.lastDay})`;
  const who = await identify(ctx, payload.actor);
  if (!who.ok) throw new PermanentJobFailure(`${what} did not run: ${who.message}`);
  const target = await loadTarget(ctx, who, { userId: payload.userId });
  if (!target.ok) return { done: { deleted: null, note: 'the user was deleted already' } };
  const now = ctx.now();
  const done = await changeDirectory(
    ctx,
    who.tenant,
    async (tx, directory) => {
      const deleted = await deleteUserWithin(tx, directory, who, target.user, now);
      const member = actorSlackMember(payload.actor);
      if (member && job.record.tenantId)
        await queueNotice(
          ctx,
          { tenantId: job.record.tenantId, member, text: `Deleted ${deleted.userPrincipalName} as scheduled at their offboarding (restorable for 30 days).` },
          tx,
        );
      return deleted.userPrincipalName;
    },
    { keep: (work) => job.step(work, (deleted) => ({ deleted })) },
  );
  if (changedMeanwhile(done)) throw new Error(metASync(what));
  if (!done.ok) throw new PermanentJobFailure(`${what} did not run: ${done.message}`);
  reportChange(ctx, who.tenant, 'users', payload.actor);
  return { done: { deleted: done.value } };
}

/** The handlers of scheduled changes, registered by the runtime (they need no Slack: their notices are queued). */
export function scheduledChangeHandlers(ctx: CoreContext): JobHandler[] {
  return [
    { kind: OFFBOARD_JOB, run: (job) => runOffboarding(ctx, job), ended: (job, how) => tellFailure(ctx, job, how) },
    { kind: OFFBOARD_DELETE_JOB, run: (job) => runOffboardDelete(ctx, job), ended: (job, how) => tellFailure(ctx, job, how) },
    { kind: START_JOB, run: (job) => runOnboarding(ctx, job), ended: (job, how) => tellFailure(ctx, job, how) },
  ];
}

/** A scheduled change whose every try met a sync of the same user: this attempt fails, and the job runs again. */
const metASync = (what: string) => `${what} met a sync of the same user at the same moment; it runs again shortly.`;
