import { addDays } from 'date-fns';
import { z } from 'zod';
import { actorSlackMember, reportChange, type CoreContext } from '../context.js';
import { forbidden, identify, type Authorized } from '../access/authorize.js';
import { reauthorize } from '../access/act-on-user.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { holdCredential } from '../credentials/hold-credential.js';
import { changeDirectory } from '../directory/change-directory.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure, type JobEnd, type RunningJob } from '../jobs/job-handler.js';
import { changeUserLicenses, LicenseChangeRefused } from '../licenses/change-user-licenses.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashPassword } from '../passwords/hash-password.js';
import { hasPermission } from '../roles.js';
import { setSignInWithin } from '../users/block-user.js';
import { loadTarget } from '../users/edit-user-target.js';
import { resetPasswordWithin } from '../users/reset-password.js';
import type { CredentialNotice } from '../users/add-user.js';
import { writeAudit } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import { licensePools, licensesOf } from '../../store/seat-ledger.js';
import { startPayloadSchema, startPermissions, type StartPayload } from './onboarding.js';

/** The Slack job that posts a start's credential notices and its summary (slack/jobs/start-notices-job.ts). */
export const START_NOTICES_JOB = 'users.start_notices';

/** What the start did, for the summary. */
const startSummarySchema = z.object({
  userPrincipalName: z.string(),
  startDate: z.string(),
  /** Sign-in was allowed now (false: someone allowed it by hand before the day). */
  allowedNow: z.boolean(),
  assigned: z.array(z.string()),
  /** The products that could not be assigned, with why (no seat left, a rule). */
  notAssigned: z.array(z.object({ product: z.string(), reason: z.string() })),
  /** Slack members the credentials went to; empty when no password was issued (sign-in allowed by hand before). */
  credentialsTo: z.array(z.string()),
  /** Why no new password was made, when none was. */
  noPassword: z.string().nullable(),
});
export type StartSummary = z.infer<typeof startSummarySchema>;

export const startNoticesSchema = z.object({
  /** The requester (a Slack member) told what was done; null for one from the command line (the audit and the job keep it). */
  member: z.string().nullable(),
  /** The held credentials, one per recipient, to post with their Show password button. */
  held: z.array(z.string()),
  summary: startSummarySchema,
});
export type StartNotices = z.infer<typeof startNoticesSchema>;

/**
 * On the start date, at the organization's hour: sign-in allowed, the licenses assigned as far as
 * seats allow (each product on its own: one without a seat is reported, the others assigned; seat
 * alerts as for any change), a new temporary password (change at next sign-in as chosen) sealed
 * for each recipient, all in one step through changeDirectory (a connected tenant too). The
 * notices are posted by a Slack job queued in that step. A user whose sign-in was allowed by hand
 * before the day gets their licenses but no new password (they may be using the account already).
 * Permissions are those of the requester as they are now; a user deleted meanwhile ends it quietly.
 */
export async function runOnboarding(ctx: CoreContext, job: RunningJob): Promise<JobEnd> {
  if (job.progress.summary) return { done: job.progress.summary as Record<string, unknown> };
  const parsed = startPayloadSchema.safeParse(job.record.payload);
  if (!parsed.success) throw new PermanentJobFailure('The scheduled start could not be read back.');
  const payload = parsed.data;
  const what = `The start of ${payload.userPrincipalName} (start date ${payload.startDate})`;
  const who = await identify(ctx, payload.actor);
  if (!who.ok) throw new PermanentJobFailure(`${what} did not run: ${who.message} The account stays blocked.`);
  const lost = startPermissions(payload.licenses).find((p) => !hasPermission(who.roles, p));
  if (lost)
    throw new PermanentJobFailure(`${what} did not run: you may no longer do it. ${(await forbidden(ctx, who, lost)).message} The account stays blocked.`);
  const target = await loadTarget(ctx, who, { userId: payload.userId });
  if (!target.ok) return { done: { started: null, note: 'the user was deleted before their start date' } };
  const value = generatePassword();
  const password = { value, hash: await hashPassword(value, 'generated') };
  const now = ctx.now();
  const done = await changeDirectory(
    ctx,
    who.tenant,
    async (tx, directory) => {
      const summary = await startWithin(tx, directory, who, target.user, password, payload, now);
      const held = summary.credentialsTo.length > 0 ? await holdAll(ctx, tx, who, target.user, password.value, payload, summary, now) : [];
      await enqueue(
        ctx,
        {
          tenantId: who.tenant.id,
          kind: START_NOTICES_JOB,
          key: `start_notices:${job.record.id}`,
          payload: { member: actorSlackMember(payload.actor), held, summary } satisfies StartNotices,
          requestedBy: who.actorId,
          maxAttempts: 10,
        },
        tx,
      );
      return summary;
    },
    { keep: (work) => job.step(work, (summary) => ({ summary })) },
  );
  if (!done.ok) throw new PermanentJobFailure(`${what} did not run: ${done.message} Nothing was changed; the account stays blocked.`);
  reportChange(ctx, who.tenant, 'users', payload.actor);
  return { done: { ...done.value } };
}

async function startWithin(
  tx: Db,
  directory: DirectoryProvider,
  auth: Authorized,
  user: DirectoryUserRecord,
  password: { value: string; hash: string },
  payload: StartPayload,
  now: Date,
): Promise<StartSummary> {
  const allowedNow = await setSignInWithin(tx, directory, auth, user, true, now);
  const licenses = await assignWhatSeatsAllow(tx, directory, auth, user, payload, now);
  // Allowed by hand before the day: the account may be in use; its password is left alone. A synced
  // user signs in with their on-premises password; with nobody to send it to, none is made.
  const noPassword = !allowedNow
    ? 'the account was let in by hand before its start date, so its password was left as it is (reset it if they need one)'
    : user.source === 'synced'
      ? 'the user is synced from on-premises and signs in with that password'
      : payload.credentialRecipients.length === 0
        ? 'nobody was chosen to receive it: reset the password to give them one'
        : null;
  const credentialsTo = noPassword ? [] : payload.credentialRecipients;
  if (!noPassword) await resetPasswordWithin(tx, directory, auth, user, { password, mustChange: payload.mustChangePassword }, now);
  await writeAudit(
    tx,
    {
      tenantId: auth.tenant.id,
      actor: auth.actorId,
      action: 'user.started',
      targetType: 'user',
      targetUserId: user.id,
      changedFields: ['onboarding'],
      summary: `Started ${user.userPrincipalName} on their start date ${payload.startDate}${licenses.notAssigned.length ? `; not assigned: ${licenses.notAssigned.map((n) => n.product).join(', ')}` : ''}`,
    },
    now,
  );
  return { userPrincipalName: user.userPrincipalName, startDate: payload.startDate, allowedNow, ...licenses, credentialsTo, noPassword };
}

/** Each chosen product through the license rules and the seat ledger, one at a time: one that cannot be assigned does not stop the others. */
async function assignWhatSeatsAllow(
  tx: Db,
  directory: DirectoryProvider,
  auth: Authorized,
  user: DirectoryUserRecord,
  payload: StartPayload,
  now: Date,
): Promise<{ assigned: string[]; notAssigned: { product: string; reason: string }[] }> {
  const assigned: string[] = [];
  const notAssigned: { product: string; reason: string }[] = [];
  if (payload.licenses.length === 0) return { assigned, notAssigned };
  const current = await reauthorize(tx, auth, 'assign_licenses');
  const owned = (await licensePools(tx, auth.tenant.id)).map((p) => p.skuId);
  const held = new Set((await licensesOf(tx, user.id)).map((l) => l.skuId));
  for (const choice of payload.licenses) {
    const product = productBySkuId(choice.skuId)?.displayName ?? choice.skuId;
    if (held.has(choice.skuId)) {
      assigned.push(product);
      continue;
    }
    try {
      await changeUserLicenses(
        tx,
        user.id,
        { add: [choice] },
        { directory, ownedSkuIds: owned, mayLicenseGuests: hasPermission(current.roles, 'license_guests'), now },
      );
      assigned.push(product);
    } catch (error) {
      if (!(error instanceof LicenseChangeRefused)) throw error;
      notAssigned.push({ product, reason: error.problems.map((p) => p.message).join(' ') });
    }
  }
  if (assigned.length > 0)
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'user.licenses',
        targetType: 'user',
        targetUserId: user.id,
        changedFields: ['licenses'],
        summary: `Licenses of ${user.userPrincipalName}: assigned ${assigned.join(', ')} (start date)`,
      },
      now,
    );
  return { assigned, notAssigned };
}

/** The new password sealed for each recipient, in the step's transaction (both stand or fall together). */
async function holdAll(
  ctx: CoreContext,
  tx: Db,
  auth: Authorized,
  user: DirectoryUserRecord,
  temporaryPassword: string,
  payload: StartPayload,
  summary: StartSummary,
  now: Date,
): Promise<string[]> {
  const days = auth.tenant.passwordExpiryDays;
  const notice: CredentialNotice = {
    occasion: 'started',
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    temporaryPassword,
    mustChangeAtNextSignIn: payload.mustChangePassword,
    passwordExpiresAt: days > 0 ? addDays(now, days) : null,
    licenses: summary.assigned,
  };
  // Whoever scheduled the start (a Slack member, or `cli:<name>`), as the notice names them.
  const sentBy = auth.actorId;
  const ids: string[] = [];
  for (const recipient of summary.credentialsTo) {
    if (!ctx.secretKey) throw new Error('Roster has no secret key to seal the credentials with.');
    const held = await holdCredential(ctx, ctx.secretKey(), { notice, recipient, sentBy }, tx);
    if (!held.ok) throw new Error(held.message);
    ids.push(held.id);
  }
  return ids;
}

/** The summary in words; `member` writes a Slack member (a mention in Slack). */
export function startSummaryText(s: StartSummary, member: (id: string) => string = (id) => id): string {
  return [
    `${s.userPrincipalName} started today (their start date, ${s.startDate}):`,
    `• sign-in ${s.allowedNow ? 'allowed' : 'was allowed by hand before the start date'}`,
    `• ${s.assigned.length ? `licenses assigned: ${s.assigned.join(', ')}` : 'no license assigned'}`,
    ...s.notAssigned.map((n) => `• NOT assigned: ${n.product}: ${n.reason} Buy more with /licenses buy, then assign it from the user's details.`),
    s.credentialsTo.length
      ? `• a new temporary password, sent with a Show password button to ${s.credentialsTo.map(member).join(', ')}`
      : `• no new password: ${s.noPassword ?? 'none was made'}`,
  ].join('\n');
}
