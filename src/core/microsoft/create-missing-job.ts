import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import type { JobQueue } from '../../domain/jobs.js';
import { writeAudit, type AuditEntry } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { connectionOf } from '../../store/directory-connections.js';
import { activeUserRecordsByIds, usersWithoutTenantObjectAfter } from '../../store/directory-users.js';
import { appendJobOutcomes, findJob, jobOutcomes } from '../../store/jobs.js';
import { licensesOfUsers, type LicenseRecord } from '../../store/seat-ledger.js';
import { forgetTenantCreations, recordTenantCreations, tenantCreationsOf } from '../../store/tenant-creations.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { actorSchema, type CoreContext } from '../context.js';
import type { DirectoryChange } from '../directory/directory-change.js';
import type { RemoteDirectory, TenantVerdict } from '../directory/remote-directory.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure, type JobEnd, type RunningJob } from '../jobs/job-handler.js';
import { generatePassword } from '../passwords/generate-password.js';
import { transaction } from '../transaction.js';
import type { CredentialNotice } from '../users/add-user.js';
import { foundInTenant } from './match-users.js';
import { queueSync } from './sync-request.js';
import { readTenantFacts } from './tenant-facts.js';
import { graphDirectory, tenantClient } from './tenant-directory.js';

/**
 * Connecting with "Create them in the tenant" (docs/domain.md "Connected organizations"): the users
 * of Roster's own directory the tenant does not have are made there, before the first sync (which
 * would otherwise delete them in Roster), a batch at a time through the tenant's JSON batches.
 */
export const CREATE_MISSING_JOB = 'directory.create_missing';

/** Users looked up and made per step: one JSON batch of look-ups (20 filters of 15 usernames), then their creations. */
export const CREATE_MISSING_BATCH = 100;

const payloadSchema = z.object({
  actor: actorSchema,
  /** The Slack member who connected: the new passwords' notices and the results are theirs (null: a command line). */
  notify: z.string().nullable(),
  /** Where the first sync runs once the users are made (the app's queue, or the command line's). */
  syncQueue: z.union([z.literal('app'), z.templateLiteral(['cli:', z.string()])]),
  syncMaxAttempts: z.number().int().min(1).optional(),
});

const outcomeSchema = z.object({
  /** The username. */
  u: z.string(),
  /** Made with every license it held, made without its licenses (the tenant refused them), or not made. */
  s: z.enum(['created', 'without_license', 'refused']),
  /** Why not made, or why without its licenses (the tenant's words). */
  r: z.string().nullable(),
  /** The products it was given there. */
  l: z.array(z.string()),
  /** The credentials held for its new password (their notices to post). */
  h: z.array(z.string()),
});
type Outcome = z.output<typeof outcomeSchema>;

/** Keeps a made user's new temporary password in the step that records them: the ids of the credentials held (none at a command line). */
export type NewPasswordKeeper = (tx: Db, notice: CredentialNotice) => Promise<string[]>;

export interface CreateMissingResult {
  tenantName: string;
  created: { userPrincipalName: string; licenses: string[] }[];
  withoutLicense: { userPrincipalName: string; licenses: string[]; reason: string }[];
  refused: { userPrincipalName: string; reason: string }[];
  /** The credentials held for the new passwords (their notices to post). */
  held: string[];
}

/** Queues the job (inside the confirming transaction): it queues the first sync when it ends. */
export async function queueCreateMissing(
  ctx: CoreContext,
  request: { tenantId: string; requestedBy: string; payload: z.input<typeof payloadSchema>; queue: JobQueue; maxAttempts?: number },
  tx: Db,
): Promise<string> {
  const { id } = await enqueue(
    ctx,
    {
      tenantId: request.tenantId,
      kind: CREATE_MISSING_JOB,
      queue: request.queue,
      payload: request.payload,
      requestedBy: request.requestedBy,
      maxAttempts: request.maxAttempts ?? 3,
    },
    tx,
  );
  return id;
}

const domainOf = (upn: string) => upn.slice(upn.lastIndexOf('@') + 1).toLowerCase();
const productName = (skuId: string) => productBySkuId(skuId)?.displayName ?? skuId;

/**
 * Runs (or resumes) the creation: from the user its progress names, a batch of users without an
 * object in the tenant is looked up there by username (those found are the users connecting
 * matched: the first sync makes them one), the others are made there with their profile, usage
 * location, sign-in state, a new temporary password (changed at first sign-in) and their licenses
 * with the apps turned off. The usernames are noted before they are asked for, so a run resumed
 * after a crash recognizes a user it made as its own instead of making it twice. A user whose domain
 * the tenant has not verified, a guest (invited, not made) or a synced user (Entra Connect makes
 * them) is refused with the reason. The tenant decides the seats: a license it refuses leaves the
 * user made without it. Each batch's outcomes and passwords (held for the admin who connected) are
 * kept in one step. Last, the first sync is queued.
 */
export async function runCreateMissing(ctx: CoreContext, job: RunningJob, keep: NewPasswordKeeper): Promise<JobEnd> {
  const payload = payloadSchema.safeParse(job.record.payload);
  const tenantId = job.record.tenantId;
  if (!payload.success || !tenantId) throw new PermanentJobFailure('The creation of the users could not be read back.');
  const connection = await connectionOf(ctx.db, tenantId);
  if (connection?.status !== 'connected') throw new PermanentJobFailure('The organization is no longer connected to Microsoft 365: nothing more is made.');
  const reached = await tenantClient(ctx, tenantId);
  if (!reached.ok) throw new PermanentJobFailure(reached.message);
  const { client, tenantName } = reached;
  const remote = graphDirectory(client, tenantName);
  const verified = new Set((await readTenantFacts(client)).domains.filter((d) => d.verified).map((d) => d.name));
  let after = String(job.progress.after ?? '');
  let numbered = Number(job.progress.numbered ?? 0);
  for (;;) {
    const stop = job.stopRequested();
    if (stop) return { stopped: stop };
    // Disconnected meanwhile: nothing more is made (the users are Roster's own again).
    if ((await connectionOf(ctx.db, tenantId))?.status !== 'connected')
      throw new PermanentJobFailure('The organization was disconnected from Microsoft 365 while its users were being created: nothing more is made.');
    const ids = await usersWithoutTenantObjectAfter(ctx.db, tenantId, after, CREATE_MISSING_BATCH);
    if (ids.length === 0) break;
    const users = await activeUserRecordsByIds(ctx.db, tenantId, ids);
    const licenses = await licensesOfUsers(ctx.db, ids);
    const rows = users.map((user, i) => ({ user, rowNumber: numbered + i + 1, upnKey: user.userPrincipalName.toLowerCase() }));
    const earlier = await tenantCreationsOf(
      ctx.db,
      job.record.id,
      rows.map((r) => r.rowNumber),
    );
    const found = await foundInTenant(client, users);
    // Found there and not asked for by an earlier run of this job: a user connecting matched.
    const missing = rows.filter((r) => !found.has(r.upnKey) || earlier.has(r.upnKey));
    const decided = decide(missing, licenses, verified, tenantName);
    const last = ids.at(-1)!;
    const batchNumbered = numbered + users.length;
    const verdicts = await ask(ctx, job, remote, decided.asked, earlier);
    const kept = await job.step(
      async (tx) => {
        const outcomes = [...decided.refused];
        const audit: AuditEntry[] = [];
        for (const asked of decided.asked) outcomes.push(await keepOne(tx, keep, asked, verdicts.get(asked.key), tenantId, job.record.requestedBy, audit));
        await writeAudit(tx, audit, ctx.now());
        await appendJobOutcomes(tx, job.record.id, outcomes);
        await forgetTenantCreations(
          tx,
          job.record.id,
          rows.map((r) => r.rowNumber),
        );
        return outcomes.length;
      },
      () => ({ after: last, numbered: batchNumbered }),
    );
    if (!kept.ok) throw new Error(kept.message);
    after = last;
    numbered = batchNumbered;
    await nextTurn();
  }
  const counts = await queueFirstSync(ctx, job, payload.data);
  return { done: counts };
}

interface Asked {
  key: string;
  user: DirectoryUserRecord;
  password: string;
  changes: DirectoryChange[];
}

/** What to ask the tenant for each user, and the users refused before asking. */
function decide(
  rows: readonly { user: DirectoryUserRecord; rowNumber: number }[],
  licenses: Map<string, LicenseRecord[]>,
  verified: ReadonlySet<string>,
  tenantName: string,
): { asked: (Asked & { rowNumber: number })[]; refused: Outcome[] } {
  const asked: (Asked & { rowNumber: number })[] = [];
  const refused: Outcome[] = [];
  for (const { user, rowNumber } of rows) {
    const reason = refusal(user, verified, tenantName);
    if (reason) {
      refused.push({ u: user.userPrincipalName, s: 'refused', r: reason, l: [], h: [] });
      continue;
    }
    const key = `new:${user.userPrincipalName.toLowerCase()}`;
    const changed = { key, externalId: null, userPrincipalName: user.userPrincipalName };
    const password = generatePassword();
    const grants = (licenses.get(user.id) ?? []).map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] }));
    const changes: DirectoryChange[] = [
      {
        kind: 'create',
        user: changed,
        fields: {
          userPrincipalName: user.userPrincipalName,
          alias: user.alias,
          displayName: user.displayName,
          profile: user.profile,
          alternateEmail: user.alternateEmail,
          usageLocation: user.usageLocation,
          accountEnabled: user.accountEnabled,
        },
        password,
        forceChangePassword: true,
      },
      ...(grants.length > 0 ? [{ kind: 'licenses' as const, user: changed, add: grants, remove: [] }] : []),
    ];
    asked.push({ key, user, password, changes, rowNumber });
  }
  return { asked, refused };
}

/** Why a user of Roster's directory cannot be made in the tenant, or null. */
function refusal(user: DirectoryUserRecord, verified: ReadonlySet<string>, tenantName: string): string | null {
  if (user.userType === 'guest')
    return `a guest is invited, not created: invite them again once connected (\`/users invite\`), or in the Microsoft 365 admin center.`;
  if (user.source === 'synced') return 'synchronized from on-premises Active Directory: Microsoft Entra Connect creates them in the tenant, Roster does not.';
  const domain = domainOf(user.userPrincipalName);
  if (!verified.has(domain))
    return `${domain} is not a verified domain of ${tenantName}: add and verify it in the Microsoft 365 admin center (Settings → Domains), then add the user there.`;
  return null;
}

/**
 * Notes the usernames about to be asked for (a resumed run recognizes the users made since as its
 * own), then sends the users' creations and licenses to the tenant. A tenant that gives no answer
 * about some of them interrupts the run (to be tried again: nothing is recorded, the notes stay).
 */
async function ask(
  ctx: CoreContext,
  job: RunningJob,
  remote: RemoteDirectory,
  asked: readonly (Asked & { rowNumber: number })[],
  earlier: ReadonlyMap<string, Date>,
): Promise<Map<string, TenantVerdict>> {
  if (asked.length === 0) return new Map();
  const now = ctx.now();
  const noted = await transaction(ctx, (tx) =>
    recordTenantCreations(
      tx,
      job.record.id,
      asked.map((a) => ({ rowNumber: a.rowNumber, upnKey: a.user.userPrincipalName.toLowerCase() })),
      now,
    ),
  );
  if (!noted.ok) throw new Error(noted.message);
  const madeBefore = new Map(asked.map((a) => [a.user.userPrincipalName.toLowerCase(), earlier.get(a.user.userPrincipalName.toLowerCase()) ?? now]));
  const verdicts = await remote.apply(
    asked.flatMap((a) => a.changes),
    { keepMadeUsers: true, madeBefore },
  );
  const unanswered = [...verdicts.values()].find((v) => v.refused?.unanswered);
  if (unanswered?.refused)
    throw new Error(`${remote.tenantName} did not answer about every user (${unanswered.refused.problem.message}); the creation goes on later.`);
  return verdicts;
}

/** One user as the tenant answered: made (its password held for the admin, audited), made without its licenses, or refused. */
async function keepOne(
  tx: Db,
  keep: NewPasswordKeeper,
  asked: Asked,
  verdict: TenantVerdict | undefined,
  tenantId: string,
  actor: string,
  audit: AuditEntry[],
): Promise<Outcome> {
  const upn = asked.user.userPrincipalName;
  const made = verdict?.applied.some((c) => c.kind === 'create') ?? false;
  if (!verdict || !made) return { u: upn, s: 'refused', r: verdict?.refused?.problem.message ?? 'not made.', l: [], h: [] };
  const licensed = verdict.applied.find((c) => c.kind === 'licenses');
  const given = licensed?.kind === 'licenses' ? licensed.add.map((g) => productName(g.skuId)) : [];
  const wanted = asked.changes.find((c) => c.kind === 'licenses');
  const held = await keep(tx, {
    occasion: 'added',
    displayName: asked.user.displayName,
    userPrincipalName: upn,
    temporaryPassword: asked.password,
    mustChangeAtNextSignIn: true,
    passwordExpiresAt: null,
    licenses: given,
  });
  audit.push({
    tenantId,
    actor,
    action: 'user.create',
    targetType: 'user',
    targetUserId: asked.user.id,
    changedFields: ['password', ...(given.length > 0 ? ['licenses'] : [])],
    summary: `Created ${upn} in the Microsoft 365 tenant at connect${given.length > 0 ? `, with ${given.join(', ')}` : ''}${verdict.refused ? ' (without its licenses: the tenant refused them)' : ''}`,
  });
  if (verdict.refused && wanted?.kind === 'licenses')
    return { u: upn, s: 'without_license', r: verdict.refused.problem.message, l: wanted.add.map((g) => productName(g.skuId)), h: held };
  return { u: upn, s: 'created', r: null, l: given, h: held };
}

/** The first sync, queued in the step that ends the creation (the users not made are then left out, as connecting said). */
async function queueFirstSync(ctx: CoreContext, job: RunningJob, payload: z.output<typeof payloadSchema>): Promise<Record<string, number | string>> {
  const result = await createMissingResult(ctx, job.record.id);
  const counts = { created: result.created.length, withoutLicense: result.withoutLicense.length, refused: result.refused.length };
  if (typeof job.progress.syncJobId === 'string') return { ...counts, syncJobId: job.progress.syncJobId };
  const queued = await job.step(
    (tx) =>
      queueSync(
        ctx,
        {
          tenantId: job.record.tenantId!,
          requestedBy: job.record.requestedBy,
          notify: payload.notify,
          queue: payload.syncQueue,
          ...(payload.syncMaxAttempts ? { maxAttempts: payload.syncMaxAttempts } : {}),
        },
        tx,
      ),
    (sync) => ({ syncJobId: sync.id }),
  );
  if (!queued.ok) throw new Error(queued.message);
  return { ...counts, syncJobId: queued.value.id };
}

/** After the creation ended without its last step (failed for good, cancelled): the first sync still runs, and leaves the others out. */
export async function firstSyncAfterCreation(ctx: CoreContext, jobId: string): Promise<string | null> {
  const job = await findJob(ctx.db, jobId);
  const payload = payloadSchema.safeParse(job?.payload);
  if (!job?.tenantId || !payload.success) return null;
  if (typeof job.progress.syncJobId === 'string') return job.progress.syncJobId;
  const sync = await queueSync(ctx, {
    tenantId: job.tenantId,
    requestedBy: job.requestedBy,
    notify: payload.data.notify,
    queue: payload.data.syncQueue,
    ...(payload.data.syncMaxAttempts ? { maxAttempts: payload.data.syncMaxAttempts } : {}),
  });
  return sync.id;
}

/** The creation's results so far, from its stored outcomes. */
export async function createMissingResult(ctx: CoreContext, jobId: string): Promise<CreateMissingResult> {
  const job = await findJob(ctx.db, jobId);
  const connection = job?.tenantId ? await connectionOf(ctx.db, job.tenantId) : null;
  const result: CreateMissingResult = { tenantName: connection?.displayName ?? 'Microsoft 365', created: [], withoutLicense: [], refused: [], held: [] };
  for (let after = -1; ; ) {
    const page = await jobOutcomes(ctx.db, jobId, after, 1000);
    for (const { data } of page) {
      const o = outcomeSchema.safeParse(data);
      if (!o.success) continue;
      const { u, s, r, l, h } = o.data;
      result.held.push(...h);
      if (s === 'created') result.created.push({ userPrincipalName: u, licenses: l });
      else if (s === 'without_license') result.withoutLicense.push({ userPrincipalName: u, licenses: l, reason: r ?? '' });
      else result.refused.push({ userPrincipalName: u, reason: r ?? '' });
    }
    if (page.length < 1000) break;
    after = page.at(-1)!.seq;
  }
  return result;
}
