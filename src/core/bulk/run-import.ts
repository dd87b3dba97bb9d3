import type { CoreContext } from '../context.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { openImportFile } from '../import/open-import-file.js';
import type { ImportLimits } from '../import/types.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashChosenPassword, hashGeneratedPassword } from '../passwords/hash-password.js';
import { cleanProfile } from '../rules/profile-fields.js';
import { batched } from './batched.js';
import { BulkUserWriter, type NewImportedUser } from './bulk-writer.js';
import { sqliteDate, statement } from '../store/statements.js';
import type { TenantRecord } from '../store/tenant-store.js';
import type { ImportOutcome, ImportProgress, ImportResultRow, ImportSettings } from './import-types.js';
import { ImportResults } from './import-results.js';
import { loadImportTenant } from './import-tenant.js';
import { saveImportOutcome } from './import-job-writes.js';
import { writeAudit } from '../audit/write-audit.js';
import { writeTransaction } from '../store/write-transaction.js';
import { DUPLICATE_USERNAME, TenantRowChecks, type CheckedRow } from './tenant-row-checks.js';

export interface RunImportOptions {
  onProgress?: (progress: ImportProgress) => void | Promise<void>;
  limits?: ImportLimits;
  batchSize?: number;
}

interface Pending {
  row: CheckedRow;
  user: NewImportedUser;
  password: string;
}

/**
 * Makes the accounts of a running import, batch by batch. Each batch is one SQLite transaction
 * (BEGIN IMMEDIATE): its users, licenses, password hashes, audit records and the job's counts are
 * written together or not at all, so a crash never leaves a half-made user. Seats are taken inside
 * the same transaction, so two imports at once never give out more seats than exist. Rows this job
 * made before an interruption are not made again: they get a new temporary password instead.
 */
export async function runImport(ctx: CoreContext, jobId: string, path: string, options: RunImportOptions = {}): Promise<ImportOutcome> {
  const sqlite = ctx.sqlite;
  const job = await ctx.db.importJob.findUniqueOrThrow({ where: { id: jobId } });
  if (job.status !== 'running') throw new Error(`import ${jobId} is ${job.status}; start or resume it first`);
  const settings = JSON.parse(job.settings) as ImportSettings;
  const tenantRecord = statement(ctx.sqlite, 'SELECT id, slackTeamId, name, initialDomain, passwordExpiryDays FROM Tenant WHERE id = ?').get(job.tenantId) as TenantRecord;
  const tenant = loadImportTenant(ctx, tenantRecord);
  const product = settings.license ? productBySkuId(settings.license.skuId) ?? null : null;
  const outcome: ImportOutcome = { jobId, status: 'completed', rowsRead: 0, created: 0, createdWithoutLicense: 0, skipped: 0, skippedByReason: {}, results: new ImportResults(), reissuedPasswords: 0 };
  const skip = (row: CheckedRow, reason: string, key: string) => {
    outcome.skipped++;
    outcome.skippedByReason[key] = (outcome.skippedByReason[key] ?? 0) + 1;
    outcome.results.add({ rowNumber: row.rowNumber, userName: row.fields.userName ?? '', displayName: row.fields.displayName ?? '', status: 'skipped', reason });
  };

  try {
    const opened = await openImportFile(path, options.limits, { organizationDomains: tenant.domains });
    if (!opened.ok) return await finish(ctx, job, outcome, 'failed', opened.message);
    const { file } = opened;
    if (file.sha256 !== job.fileSha256) return await finish(ctx, job, outcome, 'failed', 'The file is not the one that was verified (its contents changed). Upload it again.');
    const checks = new TenantRowChecks(sqlite, tenant, file.columnLabels);
    const writer = new BulkUserWriter(sqlite, { tenantId: tenant.id, jobId, actorSlackUserId: job.requestedBy, fileName: job.fileName });
    const seatsStatement = sqlite.prepare('SELECT total - assigned AS available FROM LicensePool WHERE tenantId = ? AND skuId = ?');
    const takeSeats = sqlite.prepare('UPDATE LicensePool SET assigned = assigned + ? WHERE tenantId = ? AND skuId = ? AND assigned + ? <= total');
    const saveCounts = sqlite.prepare('UPDATE ImportJob SET rowsDone = ?, rowsCreated = ?, rowsUnlicensed = ?, rowsSkipped = ?, updatedAt = ? WHERE id = ?');

    for await (const batch of batched(file.rows(), options.batchSize ?? 2000)) {
      const rows = checks.check(batch);
      outcome.rowsRead += rows.length;
      const pending: Pending[] = [];
      const reissue: Pending[] = [];
      for (const row of rows) {
        const madeByThisJob = row.existing?.importJobId === jobId && row.problems.length === 1;
        if (row.problems.length > 0 && !madeByThisJob) {
          const duplicate = row.problems.find((p) => p.message.startsWith(DUPLICATE_USERNAME));
          if (duplicate) skip(row, duplicate.message, DUPLICATE_USERNAME);
          else skip(row, row.problems.map((p) => (p.column ? `${p.column}: ${p.message}` : p.message)).join(' '), 'problems in the row');
          continue;
        }
        const password = row.fields.initialPassword ?? generatePassword();
        (madeByThisJob ? reissue : pending).push({ row, password, user: toNewUser(row, settings) });
      }
      await hashAll([...pending, ...reissue]);

      const now = sqliteDate(ctx.now());
      const results: ImportResultRow[] = [];
      sqlite.transaction(() => {
        let seats = settings.license ? Math.max(0, (seatsStatement.get(tenant.id, settings.license.skuId) as { available: number } | undefined)?.available ?? 0) : 0;
        let used = 0;
        for (const item of pending) {
          const { row, user } = item;
          const licensed = settings.license !== null && seats > 0;
          if (settings.license && !licensed && settings.whenSeatsRunOut === 'licensed_only') {
            skip(row, `not created: no ${product?.displayName ?? 'license'} license left (the organization ran out of seats)`, 'no license left');
            continue;
          }
          try {
            writer.create({ ...user, license: licensed ? settings.license : null }, now, licensed ? product?.displayName ?? null : null);
          } catch (error) {
            if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
            skip(row, `${DUPLICATE_USERNAME}: ${user.userPrincipalName} already exists.`, DUPLICATE_USERNAME);
            continue;
          }
          if (licensed) {
            seats--;
            used++;
          }
          const reason = settings.license && !licensed ? 'created without a license: no license left' : '';
          results.push({ rowNumber: row.rowNumber, userName: user.userPrincipalName, displayName: user.displayName, temporaryPassword: item.password, status: reason ? 'created_without_license' : 'created', reason });
        }
        if (used > 0 && takeSeats.run(used, tenant.id, settings.license!.skuId, used).changes !== 1) throw new Error('seat count changed inside an immediate transaction');
        for (const item of reissue) {
          writer.reissuePassword(item.row.existing!.id, item.user.passwordHash, now);
          results.push({ rowNumber: item.row.rowNumber, userName: item.user.userPrincipalName, displayName: item.user.displayName, temporaryPassword: item.password, status: 'created', reason: 'made before the interruption; new temporary password' });
        }
        const created = results.filter((r) => r.status === 'created').length;
        saveCounts.run(
          outcome.rowsRead,
          outcome.created + created,
          outcome.createdWithoutLicense + results.length - created,
          outcome.skipped,
          now,
          jobId,
        );
      }).immediate();
      for (const result of results) {
        if (result.status === 'created') outcome.created++;
        else outcome.createdWithoutLicense++;
        outcome.results.add(result);
      }
      outcome.reissuedPasswords += reissue.length;
      await options.onProgress?.({ done: outcome.rowsRead, total: file.userRowCount, created: outcome.created + outcome.createdWithoutLicense });
    }
    return await finish(ctx, job, outcome, 'completed');
  } catch (error) {
    return finish(ctx, job, outcome, 'failed', error instanceof Error ? error.message : String(error));
  }
}

function toNewUser(row: CheckedRow, settings: ImportSettings): NewImportedUser {
  const { fields } = row;
  const profile = cleanProfile(fields);
  return {
    userPrincipalName: row.upn!.userPrincipalName,
    alias: row.upn!.alias,
    domain: row.upn!.domain,
    displayName: fields.displayName!,
    profile,
    alternateEmail: fields.alternateEmail ?? null,
    usageLocation: settings.usageLocation ?? fields.usageLocation ?? null,
    accountEnabled: fields.blockSignIn === undefined ? settings.signInAllowed : !fields.blockSignIn,
    passwordHash: '',
    license: null,
  };
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

async function finish(
  ctx: CoreContext,
  job: { tenantId: string; requestedBy: string; fileName: string },
  outcome: ImportOutcome,
  status: 'completed' | 'failed',
  failure?: string,
): Promise<ImportOutcome> {
  outcome.status = status;
  if (failure) outcome.failure = failure;
  const at = ctx.now();
  writeTransaction(ctx, (db) => {
    saveImportOutcome(
      db,
      outcome.jobId,
      { status, failure: failure ?? null, rowsDone: outcome.rowsRead, rowsCreated: outcome.created, rowsUnlicensed: outcome.createdWithoutLicense, rowsSkipped: outcome.skipped },
      at,
    );
    writeAudit(db, {
      tenantId: job.tenantId,
      actorSlackUserId: job.requestedBy,
      action: 'users.import',
      targetType: 'import',
      targetId: outcome.jobId,
      summary: `Import of ${job.fileName} ${status}: ${outcome.created + outcome.createdWithoutLicense} users made, ${outcome.skipped} rows left out${failure ? ` (${failure})` : ''}`,
      at,
    });
  });
  return outcome;
}
