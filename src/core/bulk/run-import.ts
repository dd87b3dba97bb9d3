import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { reportChange, type Actor, type CoreContext } from '../context.js';
import type { LicenseChoice } from '../licenses/plan-conflicts.js';
import { openStart, queueStart, startRecipients } from '../schedules/onboarding.js';
import { hasMailboxPlan } from '../licenses/license-rules.js';
import { openImportFile } from '../import/open-import-file.js';
import type { ImportFile, ImportLimits } from '../import/types.js';
import { FORM_LABELS, formImportRows } from './form-rows.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashChosenPassword, hashGeneratedPassword, NO_CLOUD_PASSWORD } from '../passwords/hash-password.js';
import { cleanProfile } from '../rules/profile-fields.js';
import { transaction } from '../transaction.js';
import { writeAudit, type AuditEntry } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { activeUsersByUpnKeys, usersMadeByImportRows, type NewDirectoryUser } from '../../store/directory-users.js';
import { setManagers } from '../../store/managers.js';
import { licenseNewUsers } from '../licenses/change-user-licenses.js';
import { findImportJob, heartbeatImport, saveImportProgress, takeImportOwnership, type ImportCounts } from '../../store/import-jobs.js';
import { tenantById } from '../../store/organizations.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { licensesOfUsers } from '../../store/seat-ledger.js';
import { choiceKey, ImportSeats, missingProductsReason, productName, productNames } from './import-seats.js';
import { BatchPacer } from './batch-pacer.js';
import { batched } from './batched.js';
import { readStoredSettings } from './import-settings.js';
import { whileOwning } from './import-ownership.js';
import { finishRun as finish, interruptRun } from './import-run-end.js';
import { ImportResults } from './import-results.js';
import { loadImportTenant, type ImportTenant } from './import-tenant.js';
import type { ImportOutcome, ImportProgress, ImportResultRow, ImportSettings } from './import-types.js';
import { RowStreamStopped, rowsOrStopped } from './row-stream.js';
import { DUPLICATE_USERNAME, duplicateUsernameMessage, TenantRowChecks, type CheckedRow } from './tenant-row-checks.js';
import { buyMoreSeats, IMPORT_TAKEN_OVER } from '../refusals.js';
import type { DirectoryProvider } from '../directory/directory-provider.js';
import { importToTenant, TENANT_IMPORT_ROWS } from './import-to-tenant.js';
import { OwnershipLost, TenantUnanswered, type ImportBatchHost, type Pending, type Reissue } from './import-batch.js';

export interface RunImportOptions {
  onProgress?: (progress: ImportProgress) => void | Promise<void>;
  limits?: ImportLimits;
  /** Rows per transaction; by default a BatchPacer sizes each to a time budget. */
  batchSize?: number;
  /** Asked between batches: true stops the run there (its job's runner is shutting down); the import stays running, to go on elsewhere. */
  stopRequested?: () => boolean;
  /**
   * Every row made, the import stays running until the caller has delivered the passwords and
   * calls `completeImport`: a run cut short in between is run again, and the users it made get
   * new passwords that do reach someone.
   */
  deferCompletion?: boolean;
}

/**
 * Makes the accounts of a running import owned by this process, batch by batch. Each batch is one
 * transaction: its users (each marked with the job and its row in the file), licenses and seats,
 * audit records and the job's counts are written together or not at all, so a crash never leaves a
 * half-made user. Rows this job made before an interruption are found by that mark, not made again,
 * and get a new temporary password (audited). Between batches the event loop is free for requests.
 * A run whose file's reader stops under it (out of memory, a crash) ends `interrupted`, to be
 * resumed; only a verdict on the file itself (it changed) fails it.
 */
export async function runImport(ctx: CoreContext, jobId: string, path: string | null, options: RunImportOptions = {}): Promise<ImportOutcome> {
  let job = await findImportJob(ctx.db, jobId);
  if (!job) throw new Error(`no import ${jobId}`);
  if (job.status !== 'running') throw new Error(`import ${jobId} is ${job.status}; start or resume it first`);
  // Just started or resumed, nobody runs it yet: this process does (its job's runner took it already).
  if (job.ownerId === null && (await takeImportOwnership(ctx.db, jobId, ctx.instanceId, ctx.now()))) job = { ...job, ownerId: ctx.instanceId };
  if (job.ownerId !== ctx.instanceId) throw new Error(`import ${jobId} is run by another process (${job.ownerId ?? 'none'})`);
  const outcome: ImportOutcome = {
    jobId,
    status: 'completed',
    rowsRead: 0,
    created: 0,
    createdWithoutLicense: 0,
    createdWithoutSomeProducts: 0,
    skipped: 0,
    skippedByReason: {},
    results: new ImportResults(),
    reissuedPasswords: 0,
    passwordsOnPremises: false,
  };
  const stored = readStoredSettings(job.settings);
  const tenantRecord = await tenantById(ctx.db, job.tenantId);
  if (!stored.ok || !tenantRecord) return finish(ctx, job, outcome, 'failed', stored.ok ? 'The organization no longer exists.' : stored.message);
  outcome.passwordsOnPremises = stored.settings.synced === true;
  const run = new ImportRun(ctx, job, stored.settings, await loadImportTenant(ctx, tenantRecord), outcome);
  const changed = () => reportChange(ctx, tenantRecord, 'users', job.requestedBy);
  return whileOwning(ctx, jobId, async () => {
    try {
      let file: Pick<ImportFile, 'rows' | 'columnLabels' | 'holdsPasswords' | 'userRowCount'>;
      const { formRows } = stored.settings;
      if (formRows) {
        // Made in the Add several users form: its users are kept with the import.
        const rows = formImportRows(formRows);
        file = {
          rows: async function* () {
            yield* rows;
          },
          columnLabels: FORM_LABELS,
          holdsPasswords: false,
          userRowCount: rows.length,
        };
      } else {
        if (path === null) return await finish(ctx, job, outcome, 'failed', 'This import needs its file to run.');
        const opened = await openImportFile(path, options.limits, { organizationDomains: run.tenant.domains });
        // The file passed this check when it was previewed: a reader that stopped under it is no verdict on it.
        if (!opened.ok && opened.readerStopped) return await interruptRun(ctx, job, outcome, opened.message, changed);
        if (!opened.ok) return await finish(ctx, job, outcome, 'failed', opened.message);
        if (opened.file.sha256 !== job.fileSha256)
          return await finish(ctx, job, outcome, 'failed', 'The file is not the one that was verified (its contents changed). Upload it again.');
        file = opened.file;
      }
      run.holdsPasswords = file.holdsPasswords;
      const checks = new TenantRowChecks(ctx.db, run.tenant, file.columnLabels, { holdsPasswords: file.holdsPasswords, now: ctx.now() });
      const pacer = new BatchPacer();
      // A connected tenant's batch is paced by Graph, not by the database: enough rows to keep its JSON batches in flight.
      const rowsPerBatch = () => options.batchSize ?? (run.tenant.directory === 'embedded' ? pacer.rows : TENANT_IMPORT_ROWS);
      for await (const batch of batched(rowsOrStopped(file.rows()), rowsPerBatch)) {
        if (options.stopRequested?.()) {
          outcome.status = 'stopped';
          return outcome;
        }
        const own = await usersMadeByImportRows(
          ctx.db,
          jobId,
          batch.map((row) => row.rowNumber),
        );
        const rows = await checks.check(batch, new Set(own.keys()));
        // Requests waiting since the checks' reads go first; the writes then hold the loop alone.
        await nextTurn();
        pacer.took(rows.length, await run.batch(rows, own));
        changed();
        await options.onProgress?.({ done: outcome.rowsRead, total: file.userRowCount, created: outcome.created + outcome.createdWithoutLicense });
        await nextTurn();
        await ctx.settleWrites?.();
      }
      if (options.deferCompletion) {
        changed();
        return outcome;
      }
      return await finish(ctx, job, outcome, 'completed', undefined, changed);
    } catch (error) {
      if (error instanceof OwnershipLost) {
        outcome.status = 'failed';
        outcome.failure = IMPORT_TAKEN_OVER;
        return outcome;
      }
      if (error instanceof RowStreamStopped) return interruptRun(ctx, job, outcome, error.reason, changed);
      if (error instanceof TenantUnanswered) return interruptRun(ctx, job, outcome, error.message, changed);
      return finish(ctx, job, outcome, 'failed', error instanceof Error ? error.message : String(error));
    }
  });
}

/** One run's state: its settings, counts and results. */
class ImportRun implements ImportBatchHost {
  /**
   * Whether the file has a password column (set once it is open; until then assumed): a row left
   * out of such a file is named by its number only, and no reason quotes one of its cells.
   */
  holdsPasswords = true;

  constructor(
    readonly ctx: CoreContext,
    readonly job: { id: string; requestedBy: string; fileName: string },
    readonly settings: ImportSettings,
    readonly tenant: ImportTenant,
    readonly outcome: ImportOutcome,
  ) {}

  skip(row: CheckedRow, reason: string, key: string): void {
    this.outcome.skipped++;
    this.outcome.skippedByReason[key] = (this.outcome.skippedByReason[key] ?? 0) + 1;
    this.outcome.results.add({
      rowNumber: row.rowNumber,
      userName: this.holdsPasswords ? '' : (row.fields.userName ?? ''),
      displayName: this.holdsPasswords ? '' : (row.fields.displayName ?? ''),
      status: 'skipped',
      reason,
    });
  }

  /** Makes a batch's users in one transaction; returns how long the transaction held the event loop (ms). */
  async batch(rows: CheckedRow[], own: ReadonlyMap<number, { id: string }>): Promise<number> {
    const pending: Pending[] = [];
    const reissue: Reissue[] = [];
    for (const row of rows) {
      this.outcome.rowsRead++;
      const mine = own.get(row.rowNumber);
      if (mine) {
        // A user waiting for their start date gets no password now: theirs comes on that day.
        const starting = row.fields.startDate !== undefined && (await openStart(this.ctx.db, mine.id)) !== null;
        reissue.push({ row, userId: mine.id, password: starting ? null : this.passwordFor(row), user: this.toNewUser(row) });
      } else if (row.existing) {
        this.skip(row, duplicateUsernameMessage(row.upn?.userPrincipalName ?? row.fields.userName ?? '', this), DUPLICATE_USERNAME);
      } else if (row.problems.length > 0) {
        this.skip(row, row.problems.map((p) => (p.column ? `${p.column}: ${p.message}` : p.message)).join(' '), 'problems in the row');
      } else {
        pending.push({ row, password: this.passwordFor(row), user: this.toNewUser(row) });
      }
    }
    await hashAll([...pending, ...reissue]);
    const now = this.ctx.now();
    // The event loop's busy time over the transaction: on SQLite (synchronous statements) its whole
    // time, on PostgreSQL without the waits for the server, during which requests are answered.
    const loop = performance.eventLoopUtilization();
    // A synced user made before the interruption has no cloud password to issue again.
    const reissued = this.settings.synced ? [] : reissue.filter((item) => item.password !== null);
    const results =
      this.tenant.directory === 'embedded'
        ? await transaction(this.ctx, async (tx) => {
            // The organization's lock first, as every writer of its directory takes it (organization-lock.ts).
            await lockOrganization(tx, this.tenant.id);
            if (!(await heartbeatImport(tx, this.job.id, this.ctx.instanceId, now))) throw new OwnershipLost();
            const made = await this.create(tx, pending, now);
            await this.setManagers(tx, pending, made, now);
            await this.ctx.directory.reissuePasswords(
              tx,
              reissued.map((item) => ({ userId: item.userId, passwordHash: item.user.passwordHash })),
              now,
            );
            return this.keep(tx, made, reissued, reissue, now);
          })
        : await importToTenant(this, pending, reissued, reissue, now);
    const held = performance.eventLoopUtilization(loop).active;
    if (!results.ok) throw new Error(results.message);
    for (const result of results.value) {
      if (result.status === 'created') this.outcome.created++;
      else this.outcome.createdWithoutLicense++;
      this.outcome.results.add(result);
    }
    if (!this.settings.synced) this.outcome.reissuedPasswords += results.value.filter((r) => r.reason.includes('new temporary password')).length;
    return held;
  }

  /**
   * The managers the rows name (docs/domain.md "Managers"; checked against the organization's users
   * and the rows above), set on the users this batch made, in its transaction. A manager whose own
   * row made nobody is said in the row's result.
   */
  async setManagers(tx: Db, pending: readonly Pending[], made: ImportResultRow[], now: Date): Promise<void> {
    const wanted = pending.filter((item) => item.row.managerKey && item.row.upn);
    if (wanted.length === 0) return;
    const results = new Map(made.map((result) => [result.rowNumber, result]));
    const keys = wanted.flatMap((item) => [item.row.upn!.key, item.row.managerKey!]);
    const ids = new Map((await activeUsersByUpnKeys(tx, this.tenant.id, [...new Set(keys)])).map((user) => [user.upnKey, user.id]));
    const links: { userId: string; managerId: string }[] = [];
    for (const item of wanted) {
      const result = results.get(item.row.rowNumber);
      const userId = ids.get(item.row.upn!.key);
      if (!result || !userId) continue;
      const managerId = ids.get(item.row.managerKey!);
      if (managerId) links.push({ userId, managerId });
      else {
        const who = this.holdsPasswords ? 'the manager' : item.row.fields.manager;
        result.reason = [result.reason, `manager not set: ${who} was not created`].filter(Boolean).join('; ');
      }
    }
    await setManagers(tx, links, now);
  }

  /**
   * The end of a batch's transaction: the audit of the passwords issued again (`reissued`), the
   * result rows of the users made before an interruption (`reissue`), and the import's counts.
   */
  async keep(tx: Db, made: ImportResultRow[], reissued: readonly Reissue[], reissue: readonly Reissue[], now: Date): Promise<ImportResultRow[]> {
    await writeAudit(
      tx,
      reissued.map((item) => ({
        tenantId: this.tenant.id,
        actor: this.job.requestedBy,
        action: 'user.password_reissued' as const,
        targetType: 'user' as const,
        targetUserId: item.userId,
        changedFields: ['password'],
        summary: `New temporary password for ${item.user.userPrincipalName}: the import of ${this.job.fileName} was resumed before its results were delivered`,
      })),
      now,
    );
    const held = await licensesOfUsers(
      tx,
      reissue.map((item) => item.userId),
    );
    const issued = new Set(reissued.map((item) => item.userId));
    for (const item of reissue) {
      const password = issued.has(item.userId) ? item.password : null;
      made.push({
        rowNumber: item.row.rowNumber,
        userName: item.user.userPrincipalName,
        displayName: item.user.displayName,
        ...(password === null ? {} : { temporaryPassword: password }),
        status: 'created',
        reason: password === null ? 'made before the interruption' : 'made before the interruption; new temporary password',
        licenses: (held.get(item.userId) ?? []).map((license) => productName(license.skuId)),
      });
    }
    const created = made.filter((r) => r.status === 'created').length;
    const counts: ImportCounts = {
      rowsDone: this.outcome.rowsRead,
      rowsCreated: this.outcome.created + created,
      rowsUnlicensed: this.outcome.createdWithoutLicense + made.length - created,
      rowsSkipped: this.outcome.skipped,
    };
    await saveImportProgress(tx, this.job.id, counts, now);
    return made;
  }

  /**
   * Inserts the batch's new users; seats are taken per product while they last (docs/domain.md
   * "Add many users from a CSV"): with "licensed only" a user is made only with every product, with
   * "create the rest" each user gets the products that still have a seat. Rows that get the same
   * products are made together; a username taken since the check (another admin, another import)
   * is reported as a duplicate, and its seats go to the next rows.
   */
  async create(tx: Db, pending: Pending[], now: Date, directory: DirectoryProvider = this.ctx.directory): Promise<ImportResultRow[]> {
    const { whenSeatsRunOut } = this.settings;
    // A row of the Add several users form names its own products; a file's rows take the import's.
    const chosenFor = (item: Pending) => (item.row.startsOn ? [] : wanted(item));
    // A user with a later start date gets their products on that day (its seats are taken then).
    const wanted = (item: Pending) => item.row.licenses ?? this.settings.licenses;
    const seats = await ImportSeats.read(
      tx,
      this.tenant.id,
      pending.flatMap((item) => chosenFor(item).map((c) => c.skuId)),
    );
    const results: ImportResultRow[] = [];
    const grants = new Map<string, { userId: string; disabledPlans: readonly string[] }[]>();
    let queue = pending;
    while (queue.length > 0) {
      // The next rows that are to get the same products are made together.
      const chosen = chosenFor(queue[0]!);
      const key = choiceKey(chosen);
      const alike = queue.findIndex((item) => choiceKey(chosenFor(item)) !== key);
      const rows = alike < 0 ? queue.length : alike;
      const share = seats.share(chosen);
      const missing = share.runOut.length + share.withheld.length;
      if (missing > 0 && whenSeatsRunOut === 'licensed_only') {
        for (const item of queue.slice(0, rows))
          this.skip(item.row, `not created: no ${productNames(share.runOut, 'or')} license left (the organization ran out of seats)`, 'no license left');
        queue = queue.slice(rows);
        continue;
      }
      const take = queue.slice(0, Math.min(rows, seats.room(share.given)));
      queue = queue.slice(take.length);
      const given = share.given.map((c) => productName(c.skuId));
      for (const item of take) {
        if (hasMailboxPlan(share.given)) item.user.mailbox = 'active';
        if (missing > 0) {
          const names = productNames([...share.runOut, ...share.withheld]);
          item.user.licenseError = `Made without ${names}: none was left when ${this.job.fileName} was imported. ${buyMoreSeats(this.tenant.directory).replace(/`/g, '')}, then assign ${missing > 1 ? 'them' : 'it'}.`;
        }
      }
      const ids = await directory.createUsers(
        tx,
        take.map((item) => item.user),
        now,
        new Map(take.flatMap((item) => (item.password === null ? [] : [[item.user.userPrincipalName.toLowerCase(), item.password]]))),
      );
      const audit: AuditEntry[] = [];
      for (const item of take) {
        const userId = ids.get(item.user.userPrincipalName.toLowerCase());
        if (!userId) {
          // Taken since the check: its seats, if it had some, go to the next rows.
          this.skip(item.row, duplicateUsernameMessage(item.user.userPrincipalName, this), DUPLICATE_USERNAME);
          continue;
        }
        seats.take(share.given);
        for (const choice of share.given)
          (grants.get(choice.skuId) ?? grants.set(choice.skuId, []).get(choice.skuId)!).push({ userId, disabledPlans: choice.disabledPlans });
        const unlicensed = chosen.length > 0 && share.given.length === 0;
        if (missing > 0 && !unlicensed) this.outcome.createdWithoutSomeProducts++;
        const { startsOn } = item.row;
        if (startsOn) await this.queueStartOf(tx, item, userId, startsOn, wanted(item));
        results.push({
          rowNumber: item.row.rowNumber,
          userName: item.user.userPrincipalName,
          displayName: item.user.displayName,
          ...(item.password === null || startsOn ? {} : { temporaryPassword: item.password }),
          status: unlicensed ? 'created_without_license' : 'created',
          reason: startsOn
            ? `starts on ${startsOn.day}: sign-in blocked until then; ${productsOnStart(wanted(item))}a new password sent on that day`
            : unlicensed
              ? 'created without a license: no license left'
              : missing > 0
                ? missingProductsReason(share)
                : '',
          licenses: given,
        });
        audit.push(this.importAudit(item, userId, share.given));
      }
      await writeAudit(tx, audit, now);
    }
    for (const [skuId, granted] of grants) await licenseNewUsers(tx, directory, this.tenant.id, skuId, granted, now);
    return results;
  }

  /**
   * The start of a user made with a later start date, queued in the batch's transaction: on that
   * day (core/schedules/run-onboarding.ts) sign-in allowed, `licenses` assigned as seats allow, and a
   * new password sent to the import's recipients and whoever started it (when a Slack member).
   */
  async queueStartOf(tx: Db, item: Pending, userId: string, startsOn: { day: string; runAt: Date }, licenses: readonly LicenseChoice[]): Promise<void> {
    const actor = this.settings.startedBy ?? memberActor(this.tenant.slackTeamId, this.job.requestedBy);
    if (!actor) throw new Error(`${item.user.userPrincipalName}: this import does not say who started it, so its start date cannot be scheduled.`);
    await queueStart(
      this.ctx,
      tx,
      this.tenant.id,
      {
        actor,
        userId,
        userPrincipalName: item.user.userPrincipalName,
        startDate: startsOn.day,
        licenses: licenses.map((l) => ({ skuId: l.skuId, disabledPlans: [...l.disabledPlans] })),
        credentialRecipients: startRecipients(actor, this.settings.recipients),
        mustChangePassword: true,
      },
      startsOn.runAt,
    );
  }

  /** The audit record of a user this import made, with the products given. */
  importAudit(item: Pending, userId: string, given: readonly { skuId: string }[]): AuditEntry {
    return {
      tenantId: this.tenant.id,
      actor: this.job.requestedBy,
      action: 'users.import',
      targetType: 'user',
      targetUserId: userId,
      changedFields: ['account', ...(item.password === null || item.row.startsOn ? [] : ['password']), ...(given.length > 0 ? ['licenses'] : [])],
      summary: item.row.startsOn
        ? `Imported ${item.user.userPrincipalName} from ${this.job.fileName}, starting on ${item.row.startsOn.day}: sign-in blocked and no password given until then`
        : `Imported ${item.user.userPrincipalName} ${given.length > 0 ? `with ${productNames(given.map((c) => c.skuId))}` : 'without a license'} from ${this.job.fileName}`,
    };
  }

  /**
   * The row's temporary password: the file's own (Entra's template), or a generated one. A synced
   * user gets none: they sign in with their on-premises password, so a file's password is ignored.
   */
  private passwordFor(row: CheckedRow): string | null {
    if (this.settings.synced) return null;
    // A later start date: a password nobody is given (not even the file's); a new one comes on that day.
    if (row.startsOn) return generatePassword();
    return row.fields.initialPassword ?? generatePassword();
  }

  private toNewUser(row: CheckedRow): NewDirectoryUser {
    const { fields } = row;
    return {
      tenantId: this.tenant.id,
      userPrincipalName: row.upn!.userPrincipalName,
      alias: row.upn!.alias,
      domain: row.upn!.domain,
      displayName: fields.displayName!,
      profile: cleanProfile(fields),
      alternateEmail: fields.alternateEmail ?? null,
      usageLocation: this.settings.usageLocation ?? fields.usageLocation ?? null,
      // Blocked until a later start date, whatever the file or the settings say (sign-in is allowed on that day).
      accountEnabled: row.startsOn ? false : fields.blockSignIn === undefined ? this.settings.signInAllowed : !fields.blockSignIn,
      slackUserId: null,
      source: this.settings.synced ? 'synced' : 'cloud',
      // Set by hashAll; a synced user keeps none (they sign in on premises).
      passwordHash: NO_CLOUD_PASSWORD,
      forceChangePassword: !this.settings.synced,
      importJobId: this.job.id,
      importRowNumber: row.rowNumber,
    };
  }
}

/** Generated passwords get the fast salted hash; passwords from the file were chosen by a person (scrypt). */
/** The products a start will assign, for a result row's reason. */
function productsOnStart(licenses: readonly LicenseChoice[]): string {
  return licenses.length > 0 ? `${productNames(licenses.map((l) => l.skuId))} and ` : '';
}

/** The Slack member who started an import (its `requestedBy`), as an actor; null for the command line. */
function memberActor(teamId: string, requestedBy: string): Actor | null {
  return requestedBy.startsWith('cli:') ? null : { teamId, slackUserId: requestedBy };
}

async function hashAll(items: Pending[]): Promise<void> {
  const chosen: Promise<void>[] = [];
  for (const item of items) {
    const { password } = item;
    if (password === null) continue;
    if (item.row.fields.initialPassword && !item.row.startsOn) chosen.push(hashChosenPassword(password).then((hash) => void (item.user.passwordHash = hash)));
    else item.user.passwordHash = hashGeneratedPassword(password);
  }
  await Promise.all(chosen);
}
