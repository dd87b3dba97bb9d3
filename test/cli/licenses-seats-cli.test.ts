import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { blockUser } from '../../src/core/users/block-user.js';
import { SEAT_ALERT_JOB } from '../../src/domain/seat-alerts.js';
import { BASIC, E3, makeUser } from '../lifecycle/helpers.js';
import { rosterCli } from '../support/run-cli.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
  await buyLicenses(db.ctx, OWNER, { product: E3.partNumber, quantity: 4 });
  for (const alias of ['ana', 'bo', 'cy']) {
    const user = await makeUser(db.ctx, alias, { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
    await blockUser(db.ctx, OWNER, { username: user.upn });
  }
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args, '--workspace', TEAM);
const upn = (alias: string) => `${alias}@contoso.onmicrosoft.com`;
const licenses = (alias: string) =>
  countRows(db.db, 'LicenseAssignment', (q) =>
    q.where('userId', '=', (eb) => eb.selectFrom('DirectoryUser').select('id').where('userPrincipalName', '=', upn(alias))),
  );

describe('roster licenses alerts|warn|price', () => {
  it('lists the thresholds, sets and removes a product’s own (a dry run writes nothing), and refuses a License admin', async () => {
    const listed = await roster('licenses', 'alerts', '--output', 'json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ partNumber: BASIC.partNumber, available: 7, threshold: 5, ownThreshold: null, belowSince: null }),
      expect.objectContaining({ partNumber: E3.partNumber, available: 4, threshold: 5, ownThreshold: null, belowSince: expect.any(String) }),
    ]);
    expect(listed.stderr).toContain('Alerts go to the Global, Billing and License admins by DM; weekly digest off');
    const rehearsed = await roster('licenses', 'alerts', 'set', 'business basic', '8', '--dry-run');
    expect(rehearsed.stdout).toContain(
      '(dry run) Seat alert for Microsoft 365 Business Basic set to fewer than 8 left. Microsoft 365 Business Basic has 7 left: below already',
    );
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'licenses.alert'))).toBe(0);
    expect((await roster('licenses', 'alerts', 'set', 'business basic', '3')).code).toBe(0);
    const refused = await roster('licenses', 'alerts', 'set', 'business basic', '2', '--role', 'license_admin');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('To set seat alerts and license prices you need one of these roles: Global admin, Billing admin');
    const bad = await roster('licenses', 'alerts', 'digest', 'someday');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('<day> <hour>');
    expect((await roster('licenses', 'alerts', 'digest', 'fri', '16', '--role', 'billing_admin')).stdout).toContain(
      'Weekly seat digest on Fridays at 16:00 UTC.',
    );
    expect((await roster('licenses', 'alerts', 'channel', 'C0ALERTS1')).stdout).toContain('Seat alerts go to the channel C0ALERTS1.');
    expect((await roster('licenses', 'alerts', 'remove', BASIC.partNumber)).stdout).toContain("alerts at the organization's seat warning again");
    expect((await roster('licenses', 'warn', '2')).stdout).toContain('The seat warning is now fewer than 2 left');
    const after = JSON.parse((await roster('licenses', 'alerts', '--output', 'json')).stdout) as { threshold: number; belowSince: string | null }[];
    expect(after.map((p) => [p.threshold, p.belowSince])).toEqual([
      [2, null],
      [2, null],
    ]);
  });

  it('sets a price with its currency, forgets it with none, and says what is wrong with a bad one', async () => {
    expect((await roster('licenses', 'price', 'business basic', '6.00', 'EUR')).stdout).toContain('Microsoft 365 Business Basic costs €6.00 a seat a month.');
    const bad = await roster('licenses', 'price', 'business basic', '6.00', 'EURO');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"EURO" is not a currency code');
    expect((await roster('licenses', 'price', 'business basic')).code).toBe(2);
    expect((await roster('licenses', 'price', E3.partNumber, 'none', '--dry-run')).stdout).toContain('(dry run) Office 365 E3 has no price any more.');
  });
});

describe('roster licenses reclaim', () => {
  it('lists, keeps, rehearses and then takes the licenses of all, as one job, refusing a count that is not the report’s', async () => {
    const report = await roster('licenses', 'reclaim');
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/ana@contoso\.onmicrosoft\.com +sign-in blocked +Microsoft 365 Business Basic {2}€6\.00 a month/);
    expect(report.stdout).toContain('3 users whose sign-in is blocked hold 3 licenses (€18.00 a month).');
    expect(report.stdout).toContain('To take them all: roster licenses reclaim --confirm 3');
    const csv = await roster('licenses', 'reclaim', '--output', 'csv');
    expect(csv.stdout.split('\r\n')[0]).toBe('userPrincipalName,displayName,reason,products,monthlyCost');
    const helpdesk = await roster('licenses', 'reclaim', '--keep', 'ana', '--role', 'helpdesk_admin');
    expect(helpdesk.code).toBe(3);
    expect((await roster('licenses', 'reclaim', 'keep-days', '400')).stderr).toContain('1 to 365 days, not "400"');
    expect((await roster('licenses', 'reclaim', 'keep-days', '30', '--role', 'license_admin')).code).toBe(3);
    expect((await roster('licenses', 'reclaim', 'keep-days', '30')).stdout).toContain('left out for 30 days (was 90)');
    const kept = await roster('licenses', 'reclaim', '--keep', 'ana');
    expect(kept.stderr).toContain(`Kept ana@contoso.onmicrosoft.com until ${new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)}`);
    expect(kept.stdout).toContain('2 users whose sign-in is blocked');
    const wrong = await roster('licenses', 'reclaim', '--confirm', '3');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('it proposes 2 users now, 3 were confirmed');
    const rehearsal = await roster('licenses', 'reclaim', '--confirm', '2', '--dry-run');
    expect(rehearsal.stdout).toContain('(dry run) Reclaimed 2 licenses from 2 users (€12.00 a month); 0 not done.');
    expect(await licenses('bo')).toBe(1);
    const done = await roster('licenses', 'reclaim', '--confirm', '2', '--role', 'license_admin');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('reclaimed  bo@contoso.onmicrosoft.com  Microsoft 365 Business Basic');
    expect(done.stdout).toContain('Reclaimed 2 licenses from 2 users (€12.00 a month); 0 not done.');
    expect([await licenses('ana'), await licenses('bo'), await licenses('cy')]).toEqual([1, 0, 0]);
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', 'licenses.reclaim'))).toBe(1);
    const audit = await db.db.selectFrom('AuditRecord').select(['actorSlackUserId', 'summary']).where('summary', 'like', 'Reclaimed %').execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]!.actorSlackUserId).toMatch(/^cli:/);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
    // Freed seats raise Basic above its threshold: no alert was queued by the reclaim.
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', SEAT_ALERT_JOB))).toBe(0);
  });
});
