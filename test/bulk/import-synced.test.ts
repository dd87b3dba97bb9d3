import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importResultsCsv, resumeImport, runImport, startImport, verifyImport, type ImportSettings } from '../../src/core/bulk/index.js';
import { ENTRA_TEMPLATE_HEADERS } from '../../src/core/import/index.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

/**
 * Synced users sign in with their on-premises password (issue 18 item 6): an import of synced
 * users hands out no cloud temporary password.
 */

let db: TestDatabase;
let dir: string;
const HEADER =
  'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';

beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  dir = mkdtempSync(path.join(tmpdir(), 'roster-test-import-synced-'));
});
afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const settings: ImportSettings = { signInAllowed: true, usageLocation: 'NL', licenses: [], whenSeatsRunOut: 'licensed_only', recipients: [], synced: true };

async function importSynced(file: string, chosen = settings) {
  const verified = await verifyImport(db.ctx, OWNER, { path: file, fileName: path.basename(file), fileId: 'F1' });
  if (!verified.ok) throw new Error(verified.message);
  const started = await startImport(db.ctx, OWNER, verified.preview.jobId!, chosen);
  if (!started.ok) throw new Error(started.message);
  return runImport(db.ctx, verified.preview.jobId!, file);
}

describe('an import of synced users', () => {
  it('hands out no temporary password: no password stored, none in the results, which say it is managed on premises', async () => {
    const file = path.join(dir, 'synced.csv');
    writeFileSync(file, [HEADER, 'ana@contoso.onmicrosoft.com,Ana,,Ana,,,,,,,,,,,,', 'ben@contoso.onmicrosoft.com,Ben,,Ben,,,,,,,,,,,,'].join('\r\n'));
    const outcome = await importSynced(file);
    expect(outcome).toMatchObject({ status: 'completed', created: 2 });
    expect(outcome.results.toArray().map((r) => r.temporaryPassword)).toEqual([undefined, undefined]);
    const stored = await db.db
      .selectFrom('DirectoryUser')
      .select(['source', 'passwordHash', 'forceChangePassword'])
      .where('importJobId', 'is not', null)
      .execute();
    expect(stored).toEqual([
      { source: 'synced', passwordHash: '', forceChangePassword: 0 },
      { source: 'synced', passwordHash: '', forceChangePassword: 0 },
    ]);
    const rows = parse((await importResultsCsv(outcome)).toString('utf8'), { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((r) => [r['User Name'], r['Temporary password'], r.Status])).toEqual([
      ['ana@contoso.onmicrosoft.com', 'password managed on premises', 'Created'],
      ['ben@contoso.onmicrosoft.com', 'password managed on premises', 'Created'],
    ]);
    expect(await countRows(db.db, 'PendingCredential')).toBe(0);
    const audit = await db.db.selectFrom('AuditRecord').select('changedFields').where('action', '=', 'users.import').where('targetType', '=', 'user').execute();
    expect(audit.map((a) => JSON.parse(a.changedFields))).toEqual([['account'], ['account']]);
  });

  it("ignores an Entra file's passwords for synced users", async () => {
    const file = path.join(dir, 'entra.csv');
    const header = ENTRA_TEMPLATE_HEADERS.join(',');
    writeFileSync(file, ['version:v1.0', header, 'Ana,ana@contoso.onmicrosoft.com,Secret-Pass-2024!,No'].join('\r\n'));
    const outcome = await importSynced(file);
    expect(outcome).toMatchObject({ status: 'completed', created: 1 });
    expect(outcome.results.toArray()[0]!.temporaryPassword).toBeUndefined();
    const stored = await db.db.selectFrom('DirectoryUser').select('passwordHash').where('importJobId', 'is not', null).executeTakeFirstOrThrow();
    expect(stored.passwordHash).toBe('');
    expect((await importResultsCsv(outcome)).toString('utf8')).not.toContain('Secret-Pass-2024!');
  });

  it('resumed after an interruption, it issues no password to the synced users made before', async () => {
    const file = path.join(dir, 'synced.csv');
    writeFileSync(file, [HEADER, ...['ana', 'ben', 'cy', 'dee'].map((a) => `${a}@contoso.onmicrosoft.com,${a},,${a},,,,,,,,,,,,`)].join('\r\n'));
    const verified = await verifyImport(db.ctx, OWNER, { path: file, fileName: 'synced.csv', fileId: 'F1' });
    if (!verified.ok) throw new Error(verified.message);
    const jobId = verified.preview.jobId!;
    expect((await startImport(db.ctx, OWNER, jobId, settings)).ok).toBe(true);
    // The first batch is made, then the run dies.
    const first = await runImport(db.ctx, jobId, file, {
      batchSize: 2,
      onProgress: () => {
        throw new Error('process killed');
      },
    });
    expect(first.status).toBe('failed');
    await db.db.updateTable('ImportJob').set({ status: 'interrupted', ownerId: null }).where('id', '=', jobId).execute();
    expect((await resumeImport(db.ctx, OWNER, jobId)).ok).toBe(true);
    const outcome = await runImport(db.ctx, jobId, file, { batchSize: 2 });
    expect(outcome).toMatchObject({ status: 'completed', created: 4, reissuedPasswords: 0 });
    expect(outcome.results.toArray().map((r) => [r.temporaryPassword, r.reason])).toEqual([
      [undefined, 'made before the interruption'],
      [undefined, 'made before the interruption'],
      [undefined, ''],
      [undefined, ''],
    ]);
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'user.password_reissued'))).toBe(0);
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('passwordHash', '!=', ''))).toBe(1); // the owner alone
  });

  it('a cloud import still hands out passwords', async () => {
    const file = path.join(dir, 'cloud.csv');
    writeFileSync(file, [HEADER, 'cy@contoso.onmicrosoft.com,Cy,,Cy,,,,,,,,,,,,'].join('\r\n'));
    const { synced: _synced, ...cloud } = settings;
    const outcome = await importSynced(file, cloud);
    expect(outcome.results.toArray()[0]!.temporaryPassword).toMatch(/^\S{16}$/);
  });
});
