import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkFormImport, FORM_IMPORT_NAME, startFormImport, type FormImportInput } from '../../src/core/bulk/form-import.js';
import { importResultsCsv, runImport } from '../../src/core/bulk/index.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

/** Add several users in a form (issue 18 item 10): checked as an import, made as one small import. */

let db: TestDatabase;
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const E1 = productByPartNumber('STANDARDPACK')!;

beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 2 });
  await buyLicenses(db.ctx, OWNER, { product: E1.partNumber, quantity: 1 });
});
afterEach(async () => db.destroy());

const form = (users: FormImportInput['users'], overrides: Partial<FormImportInput> = {}): FormImportInput => ({
  users,
  domain: 'contoso.onmicrosoft.com',
  usageLocation: 'NL',
  signInAllowed: true,
  recipients: [],
  ...overrides,
});

const fieldsOf = async (input: FormImportInput) => {
  const checked = await checkFormImport(db.ctx, OWNER, input);
  return checked.ok ? [] : (checked.fields ?? []).map((f) => [f.field, f.message]);
};

describe('the Add several users form', () => {
  it('checks each row as an import row is checked, naming the row and the field; empty rows are no users', async () => {
    const owner = { alias: (await db.db.selectFrom('DirectoryUser').select('aliasKey').executeTakeFirstOrThrow()).aliasKey };
    expect(
      await fieldsOf(
        form([
          { firstName: 'Ana', username: 'ana' },
          {},
          { firstName: 'Ben', username: owner.alias },
          { firstName: 'Ana', lastName: 'Two', username: 'ANA' },
          { firstName: 'Cy', username: 'c y' },
          { username: 'dee' },
          { firstName: 'Eve', username: 'eve@fabrikam.com' },
        ]),
      ),
    ).toEqual([
      ['user3:username', `Row 3: duplicate username: ${owner.alias}@contoso.onmicrosoft.com already exists.`],
      ['user4:username', expect.stringMatching(/^Row 4: .*also on row 1/)],
      ['user5:username', expect.stringMatching(/^Row 5: The username can't contain space/)],
      ['user6:displayName', 'Row 6: Display name is required.'],
      ['user7:username', expect.stringMatching(/^Row 7: The organization has no domain fabrikam.com/)],
    ]);
    expect(await fieldsOf(form([{}, {}]))).toEqual([['user1:username', 'Fill in at least one user: a name and a username.']]);
    const tooMany = await checkFormImport(db.ctx, OWNER, form(Array.from({ length: 11 }, (_, i) => ({ firstName: 'U', username: `u${i}` }))));
    expect(tooMany).toMatchObject({ ok: false, message: expect.stringMatching(/at most 10 users/) });
  });

  it("checks each user's product: owned, seats for everyone who gets it, and a usage location", async () => {
    const E3 = productByPartNumber('ENTERPRISEPACK')!;
    expect(
      await fieldsOf(
        form(
          [
            { firstName: 'A', username: 'a', skuId: BASIC.skuId },
            { firstName: 'B', username: 'b', skuId: BASIC.skuId },
            { firstName: 'C', username: 'c', skuId: BASIC.skuId },
            { firstName: 'D', username: 'd', skuId: E3.skuId },
            { firstName: 'E', username: 'e', skuId: null },
          ],
          { usageLocation: null },
        ),
      ),
    ).toEqual([
      ['user3:license', 'Row 3: not enough Microsoft 365 Business Basic licenses (2 available). Buy more with `/licenses buy`, or choose No license.'],
      ['user4:license', 'Row 4: The organization has no Office 365 E3 licenses. Buy some with `/licenses buy`.'],
      ['usageLocation', 'Choose a usage location: licenses can only be assigned to users with one.'],
    ]);
    const stranger = await checkFormImport(db.ctx, { teamId: TEAM, slackUserId: 'U0NOBODY' }, form([{ firstName: 'A', username: 'a' }]));
    expect(stranger).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('makes the users as one small import: each with its own product, a temporary password, the results of an import', async () => {
    const input = form([
      { firstName: 'Ana', lastName: 'Silva', username: 'ana', skuId: BASIC.skuId },
      {},
      { firstName: 'Ben', displayName: 'Benny', username: 'ben', skuId: E1.skuId },
      { firstName: 'Cy', username: 'cy' },
    ]);
    const started = await startFormImport(db.ctx, OWNER, input, { key: 'V1' });
    if (!started.ok) throw new Error(started.message);
    expect(started.users).toBe(3);
    const job = await db.db.selectFrom('ImportJob').selectAll().where('id', '=', started.jobId).executeTakeFirstOrThrow();
    expect([job.status, job.fileName, job.layout, job.rowsReady]).toEqual(['running', FORM_IMPORT_NAME, 'form', 3]);
    // The same submission again makes nothing more.
    expect(await startFormImport(db.ctx, OWNER, input, { key: 'V1' })).toMatchObject({ ok: false, code: 'conflict' });

    const outcome = await runImport(db.ctx, started.jobId, null);
    expect(outcome).toMatchObject({ status: 'completed', created: 3, skipped: 0 });
    const results = outcome.results.toArray();
    expect(results.map((r) => [r.rowNumber, r.userName, r.displayName, r.licenses ?? []])).toEqual([
      [1, 'ana@contoso.onmicrosoft.com', 'Ana Silva', ['Microsoft 365 Business Basic']],
      [3, 'ben@contoso.onmicrosoft.com', 'Benny', ['Office 365 E1']],
      [4, 'cy@contoso.onmicrosoft.com', 'Cy', []],
    ]);
    const ana = await db.db.selectFrom('DirectoryUser').selectAll().where('upnKey', '=', 'ana@contoso.onmicrosoft.com').executeTakeFirstOrThrow();
    expect(await verifyPassword(results[0]!.temporaryPassword!, ana.passwordHash)).toBe(true);
    expect([ana.usageLocation, ana.firstName, ana.lastName, ana.importJobId]).toEqual(['NL', 'Ana', 'Silva', started.jobId]);
    const held = await db.db
      .selectFrom('LicenseAssignment')
      .innerJoin('DirectoryUser', 'DirectoryUser.id', 'LicenseAssignment.userId')
      .select(['upnKey', 'skuId'])
      .orderBy('upnKey')
      .execute();
    expect(held).toEqual([
      { upnKey: 'ana@contoso.onmicrosoft.com', skuId: BASIC.skuId },
      { upnKey: 'ben@contoso.onmicrosoft.com', skuId: E1.skuId },
    ]);
    expect((await importResultsCsv(outcome)).toString('utf8')).toMatch(/^\uFEFFRow,User Name,Display Name,Temporary password,Status,Licenses,Reason/);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });

  it('a user taken between the check and the run is reported, not made twice', async () => {
    const started = await startFormImport(
      db.ctx,
      OWNER,
      form([
        { firstName: 'Ana', username: 'ana', skuId: BASIC.skuId },
        { firstName: 'Bo', username: 'bo' },
      ]),
      { key: 'V2' },
    );
    if (!started.ok) throw new Error(started.message);
    const other = await startFormImport(db.ctx, OWNER, form([{ firstName: 'Ana', username: 'ana' }]), { key: 'V3' });
    if (!other.ok) throw new Error(other.message);
    expect((await runImport(db.ctx, other.jobId, null)).created).toBe(1);
    const outcome = await runImport(db.ctx, started.jobId, null);
    expect(outcome).toMatchObject({ created: 1, skipped: 1, skippedByReason: { 'duplicate username': 1 } });
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });
});
