import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyImport, startImport, runImport, resumeImport, importResultsCsv, type ImportSettings } from '../../src/core/bulk/index.js';
import { interruptOrphanedImports } from '../../src/core/bulk/import-job.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { toDbDate } from '../../src/store/values.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { addUser } from '../../src/core/users/add-user.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { writeSampleImportFile } from '../support/sample-import-file.js';
import { homeSummary } from '../../src/core/tenant/home-summary.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('import users', (kind) => {
  // Several batches on either database; on PostgreSQL (a server round trip a statement) fewer rows.
  const BIG = kind === 'postgres' ? 1200 : 3000;
  let db: TestDatabase;
  let dir: string;
  const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
  const HEADER =
    'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';

  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
    dir = mkdtempSync(path.join(tmpdir(), 'roster-test-import-'));
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  function csv(name: string, lines: string[]): string {
    const file = path.join(dir, name);
    writeFileSync(file, `${[HEADER, ...lines].join('\r\n')}\r\n`);
    return file;
  }

  const settings = (overrides: Partial<ImportSettings> = {}): ImportSettings => ({
    signInAllowed: true,
    usageLocation: 'NL',
    licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
    whenSeatsRunOut: 'licensed_only',
    recipients: [],
    ...overrides,
  });

  async function preview(file: string, fileId: string | null = 'F1') {
    const result = await verifyImport(db.ctx, OWNER, { path: file, fileName: path.basename(file), fileId });
    if (!result.ok) throw new Error(result.message);
    return result.preview;
  }

  async function importFile(file: string, fileId: string, chosen = settings()) {
    const { jobId } = await preview(file, fileId);
    const started = await startImport(db.ctx, OWNER, jobId!, chosen);
    if (!started.ok) throw new Error(started.message);
    return runImport(db.ctx, jobId!, file);
  }

  const users = (n: number, from = 1) =>
    Array.from({ length: n }, (_, i) => `user${i + from}@contoso.onmicrosoft.com,User,${i + from},User ${i + from},,,,,,,,,,,,`);

  describe('importing users from a CSV', () => {
    it('previews without writing: ready rows, problems by row and column, in-file duplicates, existing usernames, seats', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 2 });
      const file = csv('new-hires.csv', [
        ...users(2),
        'user1@contoso.onmicrosoft.com,Dup,,Dup,,,,,,,,,,,,',
        'olivia@contoso.onmicrosoft.com,Olivia,,Olivia,,,,,,,,,,,,',
        'bad name@contoso.onmicrosoft.com,Bad,,Bad,,,,,,,,,,,,',
        'x@fabrikam.com,X,,X,,,,,,,,,,,,',
      ]);
      const result = await preview(file, null);
      expect(result).toMatchObject({ rowsRead: 6, rowsReady: 2, rowsWithProblems: 4, duplicatesInFile: 1, existingUsernames: 1, problemCount: 4, jobId: null });
      expect(result.seats).toEqual([{ product: expect.objectContaining({ partNumber: BASIC.partNumber }), total: 2, available: 2 }]);
      expect(result.firstProblems.map((p) => [p.rowNumber, p.column])).toEqual([
        [4, 'User Name'],
        [5, 'User Name'],
        [6, 'User Name'],
        [7, 'User Name'],
      ]);
      expect(result.firstProblems[0]!.message).toMatch(/also on row 2/);
      expect(result.firstProblems[1]!.message).toBe('duplicate username: olivia@contoso.onmicrosoft.com already exists.');
      expect(result.firstProblems[3]!.message).toMatch(/no domain fabrikam.com/);
      expect(result.problemsCsv!.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(await countRows(db.db, 'DirectoryUser')).toBe(1);
      expect(await countRows(db.db, 'ImportJob')).toBe(0);
    });

    it('creates accounts with license and password together, as many as there are seats, and reports every row', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 3 });
      const file = csv('hires.csv', [...users(5), 'bad name@contoso.onmicrosoft.com,Bad,,Bad,,,,,,,,,,,,']);
      const outcome = await importFile(file, 'F1');
      expect(outcome).toMatchObject({
        status: 'completed',
        rowsRead: 6,
        created: 3,
        createdWithoutLicense: 0,
        skipped: 3,
        skippedByReason: { 'no license left': 2, 'problems in the row': 1 },
      });
      const created = outcome.results.toArray().filter((r) => r.status === 'created');
      expect(created.map((r) => r.userName)).toEqual(['user1@contoso.onmicrosoft.com', 'user2@contoso.onmicrosoft.com', 'user3@contoso.onmicrosoft.com']);
      const stored = await db.db.selectFrom('DirectoryUser').selectAll().where('upnKey', '=', 'user1@contoso.onmicrosoft.com').executeTakeFirstOrThrow();
      expect(await verifyPassword(created[0]!.temporaryPassword!, stored.passwordHash)).toBe(true);
      expect((await db.db.selectFrom('LicenseAssignment').select('skuId').where('userId', '=', stored.id).execute()).map((l) => l.skuId)).toEqual([
        BASIC.skuId,
      ]);
      expect(stored.usageLocation).toBe('NL');
      expect((await db.db.selectFrom('LicensePool').selectAll().executeTakeFirstOrThrow()).assigned).toBe(3);
      const report = (await importResultsCsv(outcome)).toString('utf8');
      expect(report).toMatch(/user4@contoso.onmicrosoft.com,User 4,,Not created,,not created: no Microsoft 365 Business Basic license left/);
      expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'users.import'))).toBe(4);
      const home = await homeSummary(db.ctx, OWNER);
      expect(home.recentChanges.map((c) => c.summary)[0]).toBe('Import of hires.csv completed: 3 users made, 3 rows left out');
      expect(home.recentChanges.filter((c) => c.summary.startsWith('Imported '))).toEqual([]);
      expect(JSON.stringify(await db.db.selectFrom('AuditRecord').selectAll().execute())).not.toContain(created[0]!.temporaryPassword!);
    });

    it('creates the rest without a license when the admin chose so', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 1 });
      const outcome = await importFile(csv('hires.csv', users(3)), 'F1', settings({ whenSeatsRunOut: 'create_unlicensed' }));
      expect(outcome).toMatchObject({ created: 1, createdWithoutLicense: 2, skipped: 0 });
      expect(await countRows(db.db, 'LicenseAssignment')).toBe(1);
    });

    it('running the same file again creates nothing new: every row reports duplicate username', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
      const file = csv('hires.csv', users(4));
      expect((await importFile(file, 'F1')).created).toBe(4);
      const again = await importFile(file, 'F2');
      expect(again).toMatchObject({ created: 0, skipped: 4, skippedByReason: { 'duplicate username': 4 } });
      expect(again.results.toArray().every((r) => r.reason.startsWith('duplicate username'))).toBe(true);
      expect(await countRows(db.db, 'DirectoryUser')).toBe(5);
    });

    it('two imports at the same time never give out more seats than exist', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 50 });
      const a = csv('a.csv', users(40, 1));
      const b = csv('b.csv', users(40, 1001));
      const [ra, rb] = await Promise.all([importFile(a, 'FA'), importFile(b, 'FB')]);
      expect(ra.created + rb.created).toBe(50);
      const pool = await db.db.selectFrom('LicensePool').selectAll().executeTakeFirstOrThrow();
      expect([pool.total, pool.assigned]).toEqual([50, 50]);
      expect(await countRows(db.db, 'LicenseAssignment')).toBe(50);
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
    });

    it('after an interruption, resuming makes only what is left and issues new passwords for rows made before', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
      const file = csv('hires.csv', users(6));
      const { jobId } = await preview(file, 'F1');
      // Started at the command line, whose process runs its import on its own queue.
      const started = await startImport(db.ctx, OWNER, jobId!, settings(), { queue: 'cli:dead-host:1:x' });
      if (!started.ok) throw new Error(started.message);
      // A crash after the first batch: simulate by running with a progress hook that throws once.
      let crashed = false;
      const first = await runImport(db.ctx, jobId!, file, {
        batchSize: 4,
        onProgress: () => {
          if (!crashed) {
            crashed = true;
            throw new Error('process killed');
          }
        },
      });
      expect(first.status).toBe('failed');
      // As if the process had died mid-run: still `running`, its run's lease not renewed since.
      await db.db
        .updateTable('ImportJob')
        .set({ status: 'running', ownerId: 'dead-host:1:x', heartbeatAt: toDbDate(new Date()) })
        .where('id', '=', jobId!)
        .execute();
      await db.db
        .updateTable('Job')
        .set({ status: 'running', leaseOwner: 'dead-host:1:x', leaseExpiresAt: toDbDate(new Date(Date.now() + 60_000)) })
        .where('id', '=', started.runId)
        .execute();
      expect(await interruptOrphanedImports(db.ctx)).toEqual([]);
      const later = { ...db.ctx, now: () => new Date(Date.now() + 2 * 60_000) };
      expect((await interruptOrphanedImports(later)).map((j) => j.id)).toEqual([jobId]);
      expect(await db.db.selectFrom('Job').select(['status', 'error']).where('id', '=', started.runId).executeTakeFirstOrThrow()).toEqual({
        status: 'failed',
        error: 'Its command-line process stopped.',
      });
      expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('importJobId', '=', jobId!))).toBe(4);
      const resumed = await resumeImport(db.ctx, OWNER, jobId!);
      expect(resumed.ok).toBe(true);
      const outcome = await runImport(db.ctx, jobId!, file);
      expect(outcome).toMatchObject({ status: 'completed', created: 6, skipped: 0, reissuedPasswords: 4 });
      expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('importJobId', '=', jobId!))).toBe(6);
      expect((await db.db.selectFrom('LicensePool').selectAll().executeTakeFirstOrThrow()).assigned).toBe(6);
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
      const reissued = await db.db.selectFrom('AuditRecord').selectAll().where('action', '=', 'user.password_reissued').execute();
      expect(reissued).toHaveLength(4);
      expect(reissued.every((r) => r.changedFields === '["password"]' && r.targetUserId)).toBe(true);
      const user1 = await db.db.selectFrom('DirectoryUser').selectAll().where('upnKey', '=', 'user1@contoso.onmicrosoft.com').executeTakeFirstOrThrow();
      expect(await verifyPassword(outcome.results.toArray()[0]!.temporaryPassword!, user1.passwordHash)).toBe(true);
    });

    it('lets only admins who may add users start an import, and checks the settings', async () => {
      const { jobId } = await preview(csv('hires.csv', users(1)), 'F1');
      const stranger = await startImport(db.ctx, { teamId: TEAM, slackUserId: 'U0NOBODY' }, jobId!, settings());
      expect(stranger).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringMatching(/To add users you need/) });
      const noLocation = await startImport(db.ctx, OWNER, jobId!, settings({ usageLocation: null }));
      expect(noLocation.ok === false && noLocation.fields?.map((f) => f.field)).toEqual(['usageLocation', 'licenses']);
      expect((await startImport(db.ctx, OWNER, jobId!, settings({ licenses: [], usageLocation: null }))).ok).toBe(true);
      expect(await startImport(db.ctx, OWNER, jobId!, settings({ licenses: [] }))).toMatchObject({ ok: false, code: 'conflict' });
    });

    it('adds users from the form while an import runs, neither waiting on the locks of the other', async () => {
      // No lock wait is allowed: with a 1 ms busy timeout any wait fails with SQLITE_BUSY.
      await db.destroy();
      db = await createTestDatabase(undefined, { busyTimeoutMs: 1, kind });
      await seedTenant(db.ctx);
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5000 });
      const file = path.join(dir, 'big.csv');
      await writeSampleImportFile(file, BIG, { domain: 'contoso.onmicrosoft.com' });
      const [outcome, ...added] = await Promise.all([
        importFile(file, 'FBIG'),
        ...Array.from({ length: 20 }, (_, i) =>
          addUser(db.ctx, OWNER, {
            displayName: `Form ${i}`,
            alias: `form${i}`,
            domain: 'contoso.onmicrosoft.com',
            password: { mode: 'auto' },
            usageLocation: 'NL',
            licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
          }),
        ),
      ]);
      expect(added.filter((r) => r.ok)).toHaveLength(20);
      expect(outcome).toMatchObject({ status: 'completed', created: BIG });
      expect((await db.db.selectFrom('LicensePool').selectAll().executeTakeFirstOrThrow()).assigned).toBe(BIG + 20);
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
    });

    it('handles a large generated file with duplicates and bad rows', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5000 });
      const file = path.join(dir, 'big.csv');
      const rows = (BIG * 2) / 3;
      await writeSampleImportFile(file, rows, { domain: 'contoso.onmicrosoft.com', duplicateEvery: 100, invalidEvery: 250 });
      const result = await preview(file, null);
      expect(result.rowsRead).toBe(rows);
      expect(result.duplicatesInFile).toBeGreaterThan(0);
      const outcome = await importFile(file, 'FBIG');
      expect(outcome.created).toBe(result.rowsReady);
      expect(outcome.created + outcome.skipped).toBe(rows);
    });
  });
});
