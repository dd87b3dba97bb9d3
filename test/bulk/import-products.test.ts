import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importResultsCsv, importSummaryText, runImport, startImport, verifyImport, type ImportSettings } from '../../src/core/bulk/index.js';
import { readStoredSettings } from '../../src/core/bulk/import-settings.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { toDbJson } from '../../src/store/values.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

/** Several products per import (issue 18 item 4): the seats are checked per product. */

let db: TestDatabase;
let dir: string;
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
/** An add-on that needs Teams, which Business Basic gives. */
const PHONE = productByPartNumber('MCOEV')!;
const E1 = productByPartNumber('STANDARDPACK')!;
const E3 = productByPartNumber('ENTERPRISEPACK')!;
const HEADER =
  'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';

beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  dir = mkdtempSync(path.join(tmpdir(), 'roster-test-import-products-'));
});
afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const users = (n: number) => Array.from({ length: n }, (_, i) => `user${i + 1}@contoso.onmicrosoft.com,User,${i + 1},User ${i + 1},,,,,,,,,,,,`);

function csv(rows: number): string {
  const file = path.join(dir, 'hires.csv');
  writeFileSync(file, `${[HEADER, ...users(rows)].join('\r\n')}\r\n`);
  return file;
}

async function buy(product: { partNumber: string }, quantity: number) {
  const bought = await buyLicenses(db.ctx, OWNER, { product: product.partNumber, quantity });
  if (!bought.ok) throw new Error(bought.message);
}

const settings = (overrides: Partial<ImportSettings> = {}): ImportSettings => ({
  signInAllowed: true,
  usageLocation: 'NL',
  licenses: [
    { skuId: BASIC.skuId, disabledPlans: [] },
    { skuId: PHONE.skuId, disabledPlans: [] },
  ],
  whenSeatsRunOut: 'licensed_only',
  recipients: [],
  ...overrides,
});

async function previewed(file: string) {
  const verified = await verifyImport(db.ctx, OWNER, { path: file, fileName: 'hires.csv', fileId: 'F1' });
  if (!verified.ok) throw new Error(verified.message);
  return verified.preview.jobId!;
}

async function importWith(file: string, chosen: ImportSettings) {
  const jobId = await previewed(file);
  const started = await startImport(db.ctx, OWNER, jobId, chosen);
  if (!started.ok) throw new Error(started.message);
  return runImport(db.ctx, jobId, file, { batchSize: 2 });
}

async function heldBy(upn: string): Promise<string[]> {
  const user = await db.db.selectFrom('DirectoryUser').select(['id']).where('upnKey', '=', upn).executeTakeFirstOrThrow();
  return (await db.db.selectFrom('LicenseAssignment').select('skuId').where('userId', '=', user.id).orderBy('skuId').execute()).map((l) => l.skuId);
}

const assigned = async (skuId: string) =>
  (await db.db.selectFrom('LicensePool').select('assigned').where('skuId', '=', skuId).executeTakeFirstOrThrow()).assigned;

const resultRows = async (outcome: Parameters<typeof importResultsCsv>[0]) =>
  parse((await importResultsCsv(outcome)).toString('utf8'), { columns: true, bom: true }) as Record<string, string>[];

describe('an import with several products', () => {
  it('"licensed only": a user is made only while every product has a seat; each gets all of them, with their apps', async () => {
    await buy(BASIC, 5);
    await buy(PHONE, 2);
    const sway = BASIC.plans.find((p) => p.name === 'SWAY')!;
    const outcome = await importWith(
      csv(4),
      settings({
        licenses: [
          { skuId: BASIC.skuId, disabledPlans: [sway.id] },
          { skuId: PHONE.skuId, disabledPlans: [] },
        ],
      }),
    );
    expect(outcome).toMatchObject({ status: 'completed', created: 2, createdWithoutLicense: 0, createdWithoutSomeProducts: 0, skipped: 2 });
    expect(await heldBy('user1@contoso.onmicrosoft.com')).toEqual([BASIC.skuId, PHONE.skuId].sort());
    expect([await assigned(BASIC.skuId), await assigned(PHONE.skuId)]).toEqual([2, 2]);
    const rows = await resultRows(outcome);
    expect(rows.map((r) => [r.Status, r.Licenses, r.Reason])).toEqual([
      ['Created', 'Microsoft 365 Business Basic; Microsoft Teams Phone Standard', ''],
      ['Created', 'Microsoft 365 Business Basic; Microsoft Teams Phone Standard', ''],
      ['Not created', '', 'not created: no Microsoft Teams Phone Standard license left (the organization ran out of seats)'],
      ['Not created', '', 'not created: no Microsoft Teams Phone Standard license left (the organization ran out of seats)'],
    ]);
    const basic = await db.db
      .selectFrom('LicenseAssignment')
      .select('disabledPlans')
      .where('skuId', '=', BASIC.skuId)
      .where('userId', '=', db.db.selectFrom('DirectoryUser').select('id').where('upnKey', '=', 'user2@contoso.onmicrosoft.com'))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(basic.disabledPlans)).toEqual([sway.id]);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });

  it('"create the rest": each user gets the products that still have seats, and the results name the ones missing', async () => {
    await buy(BASIC, 5);
    await buy(PHONE, 1);
    const outcome = await importWith(csv(3), settings({ whenSeatsRunOut: 'create_unlicensed' }));
    expect(outcome).toMatchObject({ created: 3, createdWithoutLicense: 0, createdWithoutSomeProducts: 2, skipped: 0 });
    expect(importSummaryText(outcome)).toBe('3 created (2 of them without every product: none left), 0 not created');
    expect(await heldBy('user1@contoso.onmicrosoft.com')).toEqual([BASIC.skuId, PHONE.skuId].sort());
    expect(await heldBy('user3@contoso.onmicrosoft.com')).toEqual([BASIC.skuId]);
    const rows = await resultRows(outcome);
    expect(rows.map((r) => [r.Status, r.Licenses, r.Reason])).toEqual([
      ['Created', 'Microsoft 365 Business Basic; Microsoft Teams Phone Standard', ''],
      ['Created', 'Microsoft 365 Business Basic', 'created without Microsoft Teams Phone Standard: no license left'],
      ['Created', 'Microsoft 365 Business Basic', 'created without Microsoft Teams Phone Standard: no license left'],
    ]);
    const third = await db.db
      .selectFrom('DirectoryUser')
      .select(['licenseError', 'mailbox'])
      .where('upnKey', '=', 'user3@contoso.onmicrosoft.com')
      .executeTakeFirstOrThrow();
    expect(third.licenseError).toMatch(/^Made without Microsoft Teams Phone Standard: none was left when hires.csv was imported/);
    expect(third.mailbox).toBe('active');
    expect([await assigned(BASIC.skuId), await assigned(PHONE.skuId)]).toEqual([3, 1]);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });

  it('an add-on is never given without what it needs: once the base product runs out, its seats stay free', async () => {
    await buy(BASIC, 1);
    await buy(PHONE, 3);
    const outcome = await importWith(csv(3), settings({ whenSeatsRunOut: 'create_unlicensed' }));
    expect(outcome).toMatchObject({ created: 1, createdWithoutLicense: 2, createdWithoutSomeProducts: 0 });
    expect(await heldBy('user2@contoso.onmicrosoft.com')).toEqual([]);
    const rows = await resultRows(outcome);
    expect(rows.map((r) => [r.Status, r.Reason])).toEqual([
      ['Created', ''],
      ['Created without license', 'created without a license: no license left'],
      ['Created without license', 'created without a license: no license left'],
    ]);
    expect([await assigned(BASIC.skuId), await assigned(PHONE.skuId)]).toEqual([1, 1]);
  });

  it('checks the products as the Add user form does: owned, not twice, apps, plans that exclude each other, add-ons with their base', async () => {
    await buy(BASIC, 5);
    await buy(PHONE, 5);
    await buy(E1, 5);
    await buy(E3, 5);
    const jobId = await previewed(csv(1));
    const refused = async (chosen: Partial<ImportSettings>) => {
      const started = await startImport(db.ctx, OWNER, jobId, settings(chosen));
      return started.ok ? [] : (started.fields ?? []).map((f) => [f.field, f.message]);
    };
    expect(
      await refused({
        licenses: [
          { skuId: E1.skuId, disabledPlans: [] },
          { skuId: E3.skuId, disabledPlans: [] },
        ],
      }),
    ).toEqual([['licenses', expect.stringMatching(/^Office 365 E1 and Office 365 E3 can't both be assigned/)]]);
    expect(await refused({ licenses: [{ skuId: PHONE.skuId, disabledPlans: [] }] })).toEqual([
      ['licenses', expect.stringMatching(/^Microsoft Teams Phone Standard is an add-on that needs Microsoft Teams first/)],
    ]);
    const teams = BASIC.plans.find((p) => p.name === 'TEAMS1')!;
    expect(
      await refused({
        licenses: [
          { skuId: BASIC.skuId, disabledPlans: [teams.id] },
          { skuId: PHONE.skuId, disabledPlans: [] },
        ],
      }),
    ).toEqual([['licenses', expect.stringMatching(/add-on that needs Microsoft Teams/)]]);
    expect(
      await refused({
        licenses: [
          { skuId: BASIC.skuId, disabledPlans: [] },
          { skuId: BASIC.skuId, disabledPlans: [] },
        ],
      }),
    ).toEqual([['licenses', 'Microsoft 365 Business Basic is chosen twice.']]);
    expect(await refused({ licenses: [{ skuId: BASIC.skuId, disabledPlans: ['not-an-app'] }] })).toEqual([
      [`apps:${BASIC.skuId}`, 'Microsoft 365 Business Basic has no app not-an-app.'],
    ]);
    expect(await refused({})).toEqual([]);
  });

  it('stores the settings as version 2, and still runs an import whose settings were stored as version 1 (one product)', async () => {
    await buy(BASIC, 5);
    const file = csv(2);
    const jobId = await previewed(file);
    const sway = BASIC.plans.find((p) => p.name === 'SWAY')!;
    const started = await startImport(db.ctx, OWNER, jobId, settings({ licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }));
    expect(started.ok).toBe(true);
    const stored = await db.db.selectFrom('ImportJob').select('settings').where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.settings)).toMatchObject({ version: 2, licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
    // As a Roster before several products saved it.
    const v1 = {
      version: 1,
      signInAllowed: true,
      usageLocation: 'NL',
      license: { skuId: BASIC.skuId, disabledPlans: [sway.id] },
      whenSeatsRunOut: 'licensed_only',
      recipients: [],
    };
    await db.db
      .updateTable('ImportJob')
      .set({ settings: toDbJson(v1) })
      .where('id', '=', jobId)
      .execute();
    const outcome = await runImport(db.ctx, jobId, file);
    expect(outcome).toMatchObject({ status: 'completed', created: 2 });
    const license = await db.db.selectFrom('LicenseAssignment').select(['skuId', 'disabledPlans']).execute();
    expect(license.map((l) => [l.skuId, JSON.parse(l.disabledPlans)])).toEqual([
      [BASIC.skuId, [sway.id]],
      [BASIC.skuId, [sway.id]],
    ]);
    // The rows before versions (no version) and a version 1 without a product read as no product.
    const { version: _v, ...unversioned } = { ...v1, license: null };
    expect(readStoredSettings(unversioned)).toMatchObject({ ok: true, settings: { licenses: [] } });
    expect(readStoredSettings({ ...v1, version: 3 })).toMatchObject({ ok: false, message: expect.stringMatching(/another version of Roster \(version 3\)/) });
  });
});
