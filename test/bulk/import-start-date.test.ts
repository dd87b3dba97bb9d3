import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImport, startImport, verifyImport, type ImportSettings } from '../../src/core/bulk/index.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { parseStartDateCell } from '../../src/core/import/start-date-cell.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { START_JOB, startPayloadSchema } from '../../src/core/schedules/onboarding.js';
import { setTimeZone } from '../../src/core/tenant/schedule-settings.js';
import { waitForJob } from '../jobs/wait-for-job.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

/* The optional `Start date` column of a CSV import (issue 17 item 2): rows starting later are made blocked, without a password or a seat, and started on the day. */
describe('a Start date cell', () => {
  it('reads ISO and unambiguous forms, and refuses what can be read two ways or not at all', () => {
    for (const [cell, day] of [
      ['2027-03-05', '2027-03-05'],
      ['2027/3/5', '2027-03-05'],
      ['5 March 2027', '2027-03-05'],
      ['Mar 5, 2027', '2027-03-05'],
      ['5-Mar-2027', '2027-03-05'],
      ['25/03/2027', '2027-03-25'],
      ['03/25/2027', '2027-03-25'],
      ['04.04.2027', '2027-04-04'],
    ])
      expect(parseStartDateCell(cell ?? ''), cell).toEqual({ ok: true, day });
    expect(parseStartDateCell('03/04/2027')).toEqual({ ok: false, message: expect.stringContaining('could be 2027-04-03 or 2027-03-04') });
    expect(parseStartDateCell('2027-02-30')).toMatchObject({ ok: false, message: expect.stringContaining('not a day of the calendar') });
    expect(parseStartDateCell('next monday')).toMatchObject({ ok: false, message: expect.stringContaining('is not a date') });
    expect(parseStartDateCell('next monday', false)).toMatchObject({ ok: false, message: expect.not.stringContaining('monday') });
  });
});

describeOnEachDatabase('importing users with a Start date column', (kind) => {
  let db: TestDatabase;
  let dir: string;
  let clock = new Date('2027-03-01T08:00:00Z');
  const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
  const HEADER =
    'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region,Start date';
  const row = (alias: string, start: string) => `${alias}@contoso.onmicrosoft.com,${alias},Test,${alias} Test,,,,,,,,,,,,,${start}`;

  beforeEach(async () => {
    clock = new Date('2027-03-01T08:00:00Z');
    db = await createTestDatabase(() => clock, { kind });
    await seedTenant(db.ctx);
    await setTimeZone(db.ctx, OWNER, 'Europe/Paris');
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 3 });
    dir = mkdtempSync(path.join(tmpdir(), 'roster-test-start-'));
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const settings: ImportSettings = {
    signInAllowed: true,
    usageLocation: 'NL',
    licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
    whenSeatsRunOut: 'licensed_only',
    recipients: ['U0HR'],
  };

  it('names the rows with a past, ambiguous or unreadable start date, and makes the others: later ones blocked, without password or seat, started on the day', async () => {
    const file = path.join(dir, 'hires.csv');
    writeFileSync(
      file,
      `${[HEADER, row('now', ''), row('today', '2027-03-01'), row('later', '5 March 2027'), row('past', '2027-02-27'), row('twoway', '03/04/2027'), row('junk', 'soon')].join('\r\n')}\r\n`,
    );
    const verified = await verifyImport(db.ctx, OWNER, { path: file, fileName: 'hires.csv', fileId: 'F1' });
    if (!verified.ok) throw new Error(verified.message);
    const { preview } = verified;
    expect(preview).toMatchObject({ rowsRead: 6, rowsReady: 3, rowsWithProblems: 3 });
    expect(preview.firstProblems.map((p) => [p.rowNumber, p.column])).toEqual([
      [5, 'Start date'],
      [6, 'Start date'],
      [7, 'Start date'],
    ]);
    expect(preview.firstProblems[0]?.message).toContain('cannot be in the past (today is 2027-03-01 in Europe/Paris)');
    expect(preview.firstProblems[1]?.message).toContain('could be 2027-04-03 or 2027-03-04');
    expect(preview.firstProblems[2]?.message).toContain('is not a date');

    const started = await startImport(db.ctx, OWNER, preview.jobId!, settings);
    if (!started.ok) throw new Error(started.message);
    const outcome = await runImport(db.ctx, preview.jobId!, file);
    expect(outcome).toMatchObject({ status: 'completed', created: 3, skipped: 3 });
    const results = [...outcome.results];
    const later = results.find((r) => r.userName.startsWith('later@'));
    expect(later).toMatchObject({ status: 'created', reason: expect.stringContaining('starts on 2027-03-05') });
    expect(later?.temporaryPassword).toBeUndefined();
    expect(results.find((r) => r.userName.startsWith('today@'))?.temporaryPassword).toEqual(expect.any(String));
    const users = await db.db
      .selectFrom('DirectoryUser')
      .select(['id', 'aliasKey', 'accountEnabled'])
      .where('aliasKey', 'in', ['now', 'today', 'later'])
      .execute();
    const enabled = Object.fromEntries(users.map((u) => [u.aliasKey, Boolean(u.accountEnabled)]));
    expect(enabled).toEqual({ now: true, today: true, later: false });
    const laterId = users.find((u) => u.aliasKey === 'later')!.id;
    expect(await countRows(db.db, 'LicenseAssignment', (q) => q.where('userId', '=', laterId))).toBe(0);
    const pool = await db.db.selectFrom('LicensePool').select(['assigned']).executeTakeFirstOrThrow();
    expect(pool.assigned).toBe(2);

    const job = await db.db.selectFrom('Job').select(['id', 'payload', 'runAt']).where('kind', '=', START_JOB).executeTakeFirstOrThrow();
    const payload = startPayloadSchema.parse(JSON.parse(String(job.payload)));
    expect(payload).toMatchObject({
      userId: laterId,
      startDate: '2027-03-05',
      credentialRecipients: [OWNER.slackUserId, 'U0HR'],
      licenses: [{ skuId: BASIC.skuId }],
    });
    clock = new Date('2027-03-05T08:00:01Z');
    await db.runtime.start();
    const done = await waitForJob(db.db, job.id, 'succeeded');
    expect(done.result).toMatchObject({ allowedNow: true, assigned: [BASIC.displayName], credentialsTo: [OWNER.slackUserId, 'U0HR'] });
    expect(await countRows(db.db, 'PendingCredential', (q) => q.where('userPrincipalName', '=', 'later@contoso.onmicrosoft.com'))).toBe(2);
  });
});
