import { setImmediate as nextTurn } from 'node:timers/promises';
import { reportChange, type CoreContext } from '../context.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { hasMailboxPlan } from '../licenses/license-rules.js';
import { openImportFile } from '../import/open-import-file.js';
import type { ImportLimits } from '../import/types.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashChosenPassword, hashGeneratedPassword } from '../passwords/hash-password.js';
import { cleanProfile } from '../rules/profile-fields.js';
import { transaction } from '../transaction.js';
import { writeAudit } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { usersMadeByImportRows, type NewDirectoryUser } from '../../store/directory-users.js';
import { licenseNewUsers } from '../licenses/change-user-licenses.js';
import { findImportJob, heartbeatImport, saveImportProgress, takeImportOwnership, type ImportCounts } from '../../store/import-jobs.js';
import { tenantById } from '../../store/organizations.js';
import { licensePoolHeld } from '../../store/seat-ledger.js';
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
import { IMPORT_TAKEN_OVER } from '../refusals.js';

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

interface Pending {
  row: CheckedRow;
  user: NewDirectoryUser;
  password: string;
}

class OwnershipLost extends Error {}

/**
 * Makes the accounts of a running import owned by this process, batch by batch. Each batch is one
 * transaction: its users (each marked with the job and its row in the file), licenses and seats,
 * audit records and the job's counts are written together or not at all, so a crash never leaves a
 * half-made user. Rows this job made before an interruption are found by that mark, not made again,
 * and get a new temporary password (audited). Between batches the event loop is free for requests.
 * A run whose file's reader stops under it (out of memory, a crash) ends `interrupted`, to be
 * resumed; only a verdict on the file itself (it changed) fails it.
 */
export async function runImport(ctx: CoreContext, jobId: string, path: string, options: RunImportOptions = {}): Promise<ImportOutcome> {
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
    skipped: 0,
    skippedByReason: {},
    results: new ImportResults(),
    reissuedPasswords: 0,
  };
  const stored = readStoredSettings(job.settings);
  const tenantRecord = await tenantById(ctx.db, job.tenantId);
  if (!stored.ok || !tenantRecord) return finish(ctx, job, outcome, 'failed', stored.ok ? 'The organization no longer exists.' : stored.message);
  const run = new ImportRun(ctx, job, stored.settings, await loadImportTenant(ctx, tenantRecord), outcome);
  const changed = () => reportChange(ctx, tenantRecord, 'users', job.requestedBy);
  return whileOwning(ctx, jobId, async () => {
    try {
      const opened = await openImportFile(path, options.limits, { organizationDomains: run.tenant.domains });
      // The file passed this check when it was previewed: a reader that stopped under it is no verdict on it.
      if (!opened.ok && opened.readerStopped) return await interruptRun(ctx, job, outcome, opened.message, changed);
      if (!opened.ok) return await finish(ctx, job, outcome, 'failed', opened.message);
      const { file } = opened;
      if (file.sha256 !== job.fileSha256)
        return await finish(ctx, job, outcome, 'failed', 'The file is not the one that was verified (its contents changed). Upload it again.');
      run.holdsPasswords = file.holdsPasswords;
      const checks = new TenantRowChecks(ctx.db, run.tenant, file.columnLabels, { holdsPasswords: file.holdsPasswords });
      const pacer = new BatchPacer();
      for await (const batch of batched(rowsOrStopped(file.rows()), () => options.batchSize ?? pacer.rows)) {
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
      return finish(ctx, job, outcome, 'failed', error instanceof Error ? error.message : String(error));
    }
  });
}

/** One run's state: its settings, counts and results. */
class ImportRun {
  private readonly product;
  /**
   * Whether the file has a password column (set once it is open; until then assumed): a row left
   * out of such a file is named by its number only, and no reason quotes one of its cells.
   */
  holdsPasswords = true;

  constructor(
    private readonly ctx: CoreContext,
    private readonly job: { id: string; requestedBy: string; fileName: string },
    private readonly settings: ImportSettings,
    readonly tenant: ImportTenant,
    private readonly outcome: ImportOutcome,
  ) {
    this.product = settings.license ? (productBySkuId(settings.license.skuId) ?? null) : null;
  }

  private skip(row: CheckedRow, reason: string, key: string): void {
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
    const reissue: (Pending & { userId: string })[] = [];
    for (const row of rows) {
      this.outcome.rowsRead++;
      const mine = own.get(row.rowNumber);
      if (mine) {
        reissue.push({ row, userId: mine.id, password: row.fields.initialPassword ?? generatePassword(), user: this.toNewUser(row) });
      } else if (row.existing) {
        this.skip(row, duplicateUsernameMessage(row.upn?.userPrincipalName ?? row.fields.userName ?? '', this), DUPLICATE_USERNAME);
      } else if (row.problems.length > 0) {
        this.skip(row, row.problems.map((p) => (p.column ? `${p.column}: ${p.message}` : p.message)).join(' '), 'problems in the row');
      } else {
        pending.push({ row, password: row.fields.initialPassword ?? generatePassword(), user: this.toNewUser(row) });
      }
    }
    await hashAll([...pending, ...reissue]);
    const now = this.ctx.now();
    const started = performance.now();
    const results = await transaction(this.ctx, async (tx) => {
      if (!(await heartbeatImport(tx, this.job.id, this.ctx.instanceId, now))) throw new OwnershipLost();
      const made = await this.create(tx, pending, now);
      await this.ctx.directory.reissuePasswords(
        tx,
        reissue.map((item) => ({ userId: item.userId, passwordHash: item.user.passwordHash })),
        now,
      );
      await writeAudit(
        tx,
        reissue.map((item) => ({
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
      for (const item of reissue) {
        made.push({
          rowNumber: item.row.rowNumber,
          userName: item.user.userPrincipalName,
          displayName: item.user.displayName,
          temporaryPassword: item.password,
          status: 'created',
          reason: 'made before the interruption; new temporary password',
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
    });
    const held = performance.now() - started;
    if (!results.ok) throw new Error(results.message);
    for (const result of results.value) {
      if (result.status === 'created') this.outcome.created++;
      else this.outcome.createdWithoutLicense++;
      this.outcome.results.add(result);
    }
    this.outcome.reissuedPasswords += reissue.length;
    return held;
  }

  /**
   * Inserts the batch's new users; seats are taken for as many as there are (all of them, or the
   * first ones with "create the rest without a license"). A username taken since the check (another
   * admin, another import) is reported as a duplicate, and its seat goes to the next row.
   */
  private async create(tx: Db, pending: Pending[], now: Date): Promise<ImportResultRow[]> {
    const { license, whenSeatsRunOut } = this.settings;
    const pool = license ? await licensePoolHeld(tx, this.tenant.id, license.skuId) : null;
    let seats = pool ? Math.max(0, pool.total - pool.assigned) : 0;
    const results: ImportResultRow[] = [];
    const licensed: { userId: string; disabledPlans: readonly string[] }[] = [];
    let queue = pending;
    while (queue.length > 0) {
      // While seats last (or when no license was asked) the next rows are made with one; after
      // that, the rest are either left out or made without a license, as the admin chose.
      const seatPhase = license !== null && seats > 0;
      if (license && !seatPhase && whenSeatsRunOut === 'licensed_only') {
        for (const item of queue)
          this.skip(item.row, `not created: no ${this.product?.displayName ?? 'license'} license left (the organization ran out of seats)`, 'no license left');
        break;
      }
      const take = seatPhase ? queue.slice(0, seats) : queue;
      queue = seatPhase ? queue.slice(seats) : [];
      if (seatPhase && hasMailboxPlan([license])) for (const item of take) item.user.mailbox = 'active';
      if (license && !seatPhase) {
        const name = this.product?.displayName ?? 'license';
        for (const item of take)
          item.user.licenseError = `Made without ${name}: none was left when ${this.job.fileName} was imported. Buy more with /licenses buy, then assign it.`;
      }
      const ids = await this.ctx.directory.createUsers(
        tx,
        take.map((item) => item.user),
        now,
      );
      const audit = [];
      for (const item of take) {
        const userId = ids.get(item.user.userPrincipalName.toLowerCase());
        if (!userId) {
          // Taken since the check: its seat, if it had one, goes to the next row.
          this.skip(item.row, duplicateUsernameMessage(item.user.userPrincipalName, this), DUPLICATE_USERNAME);
          continue;
        }
        if (seatPhase) {
          licensed.push({ userId, disabledPlans: license.disabledPlans });
          seats--;
        }
        const reason = license && !seatPhase ? 'created without a license: no license left' : '';
        results.push({
          rowNumber: item.row.rowNumber,
          userName: item.user.userPrincipalName,
          displayName: item.user.displayName,
          temporaryPassword: item.password,
          status: reason ? 'created_without_license' : 'created',
          reason,
        });
        audit.push({
          tenantId: this.tenant.id,
          actor: this.job.requestedBy,
          action: 'users.import' as const,
          targetType: 'user' as const,
          targetUserId: userId,
          changedFields: ['account', 'password', ...(seatPhase ? ['licenses'] : [])],
          summary: `Imported ${item.user.userPrincipalName} ${seatPhase ? `with ${this.product?.displayName ?? 'a license'}` : 'without a license'} from ${this.job.fileName}`,
        });
      }
      await writeAudit(tx, audit, now);
    }
    if (license) await licenseNewUsers(tx, this.ctx.directory, this.tenant.id, license.skuId, licensed, now);
    return results;
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
      accountEnabled: fields.blockSignIn === undefined ? this.settings.signInAllowed : !fields.blockSignIn,
      slackUserId: null,
      source: this.settings.synced ? 'synced' : 'cloud',
      passwordHash: '',
      forceChangePassword: true,
      importJobId: this.job.id,
      importRowNumber: row.rowNumber,
    };
  }
}

/** Generated passwords get the fast salted hash; passwords from the file were chosen by a person (scrypt). */
async function hashAll(items: Pending[]): Promise<void> {
  const chosen: Promise<void>[] = [];
  for (const item of items) {
    if (item.row.fields.initialPassword) chosen.push(hashChosenPassword(item.password).then((hash) => void (item.user.passwordHash = hash)));
    else item.user.passwordHash = hashGeneratedPassword(item.password);
  }
  await Promise.all(chosen);
}
