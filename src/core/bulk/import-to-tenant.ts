import { writeAudit, type AuditEntry } from '../../store/audit.js';
import { lockOrganization } from '../../store/organization-lock.js';
import type { Db } from '../../store/database.js';
import { SeatsExhausted } from '../../store/errors.js';
import { heartbeatImport } from '../../store/import-jobs.js';
import { forgetTenantCreations, recordTenantCreations, tenantCreationsOf } from '../../store/tenant-creations.js';
import { ChangeRecorder } from '../directory/change-recorder.js';
import { licenseNewUsers } from '../licenses/change-user-licenses.js';
import type { DirectoryChange } from '../directory/directory-change.js';
import type { RemoteDirectory, TenantVerdict } from '../directory/remote-directory.js';
import { transactionOrDryRun } from '../dry-run.js';
import { tenantDirectory } from '../microsoft/tenant-directory.js';
import { CoreFailure, fail, type Outcome } from '../result.js';
import { step, transaction } from '../transaction.js';
import { productName } from './import-seats.js';
import type { ImportResultRow } from './import-types.js';
import { OwnershipLost, TenantUnanswered, type ImportBatchHost as ImportRun, type Pending, type Reissue } from './import-batch.js';

/** Rows of an import batch into a tenant: 400 requests with their licenses, 20 JSON batches, so that the 4 in flight overlap their waits. */
export const TENANT_IMPORT_ROWS = 200;

/** Why a row's user is not made when the tenant refused them (its words follow). */
const REFUSED_BY_TENANT = 'refused by Microsoft 365';

/**
 * One batch of an import into a connected Microsoft 365 tenant (docs/domain.md "Connected
 * organizations"), the import's own form of core/directory/change-directory.ts:
 * 1. decide: the batch is made in a transaction that is rolled back (usernames, seats per product,
 *    the results), a ChangeRecorder noting each user to make, license to give and password to issue;
 * 2. ask: the usernames about to be asked for are recorded (TenantCreation), then the changes go
 *    to the tenant in JSON batches (a user's license after its creation); a username an earlier,
 *    interrupted run of this import asked for, made since, is recognized as its own, never made twice;
 * 3. keep: in one transaction, what the tenant accepted is recorded as the rehearsal decided it,
 *    users with their object ids; a user it refused is left out with its words; a license it refused
 *    leaves the user without it ("create the rest"; with "licensed only" the user is removed again).
 */
export async function importToTenant(
  run: ImportRun,
  pending: Pending[],
  reissued: readonly Reissue[],
  reissue: readonly Reissue[],
  now: Date,
): Promise<Outcome<ImportResultRow[]>> {
  const { ctx, job } = run;
  const recorder = new ChangeRecorder(ctx.directory);
  const decided = await transactionOrDryRun(ctx, true, async (tx) => {
    await lockOrganization(tx, run.tenant.id);
    const made = await run.create(tx, pending, now, recorder.provider());
    await recorder.provider().reissuePasswords(
      tx,
      reissued.map((item) => ({ userId: item.userId, passwordHash: item.user.passwordHash, temporaryPassword: item.password ?? '' })),
      now,
    );
    return made;
  });
  if (!decided.ok) return decided;
  const changes = recorder.changes();
  const rowOf = new Map(pending.map((item) => [item.user.userPrincipalName.toLowerCase(), item.row.rowNumber]));
  const asked = changes.flatMap((c) =>
    c.kind === 'create' ? [{ rowNumber: rowOf.get(c.user.userPrincipalName.toLowerCase())!, upnKey: c.user.userPrincipalName.toLowerCase() }] : [],
  );
  const earlier = await transaction(ctx, async (tx) => {
    await lockOrganization(tx, run.tenant.id);
    if (!(await heartbeatImport(tx, job.id, ctx.instanceId, now))) throw new OwnershipLost();
    const before = await tenantCreationsOf(
      tx,
      job.id,
      asked.map((a) => a.rowNumber),
    );
    await recordTenantCreations(tx, job.id, asked, now);
    return before;
  });
  if (!earlier.ok) return earlier;
  let remote: RemoteDirectory | null = null;
  let verdicts = new Map<string, TenantVerdict>();
  if (changes.length > 0) {
    const reached = await tenantDirectory(ctx, run.tenant.id);
    if (!reached.ok) return reached;
    remote = reached.directory;
    // A username asked for since (by an earlier, interrupted run, or by this one before a lost answer) and made since is this import's own.
    const madeBefore = new Map(asked.map((a) => [a.upnKey, earlier.value.get(a.upnKey) ?? now]));
    verdicts = await remote.apply(changes, { keepMadeUsers: run.settings.whenSeatsRunOut !== 'licensed_only', madeBefore });
    // Without the tenant's answer some users may be made there: nothing is recorded, the usernames asked stay noted, and a resumed run recognizes them.
    const unanswered = [...verdicts.values()].find((v) => v.refused?.unanswered);
    if (unanswered?.refused) throw new TenantUnanswered(unanswered.refused.problem.message);
  }
  const readBack: string[] = [];
  const kept = await transaction(ctx, async (tx) => {
    await lockOrganization(tx, run.tenant.id);
    if (!(await heartbeatImport(tx, job.id, ctx.instanceId, now))) throw new OwnershipLost();
    const made = await keepMade(tx, run, decided.value, pending, verdicts, now, readBack);
    const issued = reissued.filter((item) => applied(verdicts.get(`id:${item.userId}`), 'password'));
    await ctx.directory.reissuePasswords(
      tx,
      issued.map((item) => ({ userId: item.userId, passwordHash: item.user.passwordHash })),
      now,
    );
    await forgetTenantCreations(
      tx,
      job.id,
      pending.map((item) => item.row.rowNumber),
    );
    return run.keep(tx, made, issued, reissue, now);
  });
  if (remote && readBack.length > 0) {
    const read = await remote.read(readBack).catch(() => []);
    if (read.length > 0) await transaction(ctx, (tx) => ctx.mirror.applyUsers(tx, run.tenant.id, read, ctx.now()));
  }
  return kept;
}

function applied(verdict: TenantVerdict | undefined, kind: DirectoryChange['kind']): DirectoryChange | undefined {
  return verdict?.applied.find((c) => c.kind === kind);
}

/**
 * The rehearsal's users as the tenant made them: inserted with their object ids and the licenses it
 * gave, audited; those it refused left out (skipped with its words). Users Roster cannot record as
 * made (a username or seat taken meanwhile in Roster) are in `readBack`, to be read from the tenant.
 */
async function keepMade(
  tx: Db,
  run: ImportRun,
  rehearsed: readonly ImportResultRow[],
  pending: readonly Pending[],
  verdicts: Map<string, TenantVerdict>,
  now: Date,
  readBack: string[],
): Promise<ImportResultRow[]> {
  const { ctx } = run;
  const byUpn = new Map(pending.map((item) => [item.user.userPrincipalName.toLowerCase(), item]));
  const made: ImportResultRow[] = [];
  const users: { item: Pending; verdict: TenantVerdict; grants: { skuId: string; disabledPlans: string[] }[] }[] = [];
  for (const row of rehearsed) {
    const item = byUpn.get(row.userName.toLowerCase());
    const verdict = verdicts.get(`new:${row.userName.toLowerCase()}`);
    if (!item || !verdict || !applied(verdict, 'create') || !verdict.externalId) {
      if (item) run.skip(item.row, `${REFUSED_BY_TENANT}: ${verdict?.refused?.problem.message ?? 'not made.'}`, REFUSED_BY_TENANT);
      continue;
    }
    const licensed = applied(verdict, 'licenses');
    const grants = licensed?.kind === 'licenses' ? licensed.add : [];
    if (verdict.refused) {
      // Made without its licenses ("create the rest"): the tenant's words say why.
      item.user.licenseError = verdict.refused.problem.message;
      item.user.mailbox = 'none';
      made.push({ ...row, status: 'created_without_license', reason: `created without a license: ${verdict.refused.problem.message}`, licenses: [] });
    } else made.push({ ...row, licenses: grants.map((g) => productName(g.skuId)) });
    users.push({ item, verdict, grants });
  }
  const ids = await ctx.directory.createUsers(
    tx,
    users.map(({ item, verdict }) => ({ ...item.user, externalId: verdict.externalId! })),
    now,
  );
  const audit: AuditEntry[] = [];
  const bySku = new Map<string, { userId: string; disabledPlans: string[]; externalId: string }[]>();
  for (const { item, verdict, grants } of users) {
    const userId = ids.get(item.user.userPrincipalName.toLowerCase());
    if (!userId) {
      readBack.push(verdict.externalId!);
      continue;
    }
    audit.push(run.importAudit(item, userId, grants));
    // The rehearsal's start was rolled back with it: the user's start date is queued with the user kept.
    if (item.row.startsOn) await run.queueStartOf(tx, item, userId, item.row.startsOn, item.row.licenses ?? run.settings.licenses);
    for (const grant of grants)
      (bySku.get(grant.skuId) ?? bySku.set(grant.skuId, []).get(grant.skuId)!).push({
        userId,
        disabledPlans: grant.disabledPlans,
        externalId: verdict.externalId!,
      });
  }
  for (const [skuId, grants] of bySku) {
    // The tenant gave them: a seat Roster's copy no longer counts (taken meanwhile) is read back from the tenant instead.
    const given = await step(tx, async () => {
      try {
        await licenseNewUsers(tx, ctx.directory, run.tenant.id, skuId, grants, now);
      } catch (error) {
        if (error instanceof SeatsExhausted) throw new CoreFailure(fail('no_seats', error.message));
        throw error;
      }
    });
    if (!given.ok) readBack.push(...grants.map((g) => g.externalId));
  }
  await writeAudit(tx, audit, now);
  return made;
}
