import { afterEach, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { setPrice } from '../../src/core/licenses/product-prices.js';
import { queueReclaim, RECLAIM_JOB, reclaimJobResult, rehearseReclaim, runReclaimJob } from '../../src/core/licenses/reclaim-job.js';
import { reclaimReport } from '../../src/core/licenses/reclaim-report.js';
import { keepLicensedUsers, reclaimOne } from '../../src/core/licenses/reclaim-user.js';
import { blockUser } from '../../src/core/users/block-user.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { inTransaction } from '../../src/store/database.js';
import { insertDirectoryUsersSkippingTaken } from '../../src/store/directory-users.js';
import { assignLicense } from '../../src/store/seat-ledger.js';
import { lockOrganization } from '../../src/store/organization-lock.js';
import { BASIC, E3, makeUser } from '../lifecycle/helpers.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
afterEach(async () => db?.destroy());

const HELPDESK = { teamId: OWNER.teamId, operator: 'hal', roles: ['helpdesk_admin' as const] };
const LICENSE_ADMIN = { teamId: OWNER.teamId, operator: 'lena', roles: ['license_admin' as const] };

/** A user made as the owner with these products, then blocked. */
async function blocked(alias: string, skuIds: string[]): Promise<string> {
  const user = await makeUser(db.ctx, alias, { licenses: skuIds.map((skuId) => ({ skuId, disabledPlans: [] })) });
  const result = await blockUser(db.ctx, OWNER, { username: user.upn });
  if (!result.ok) throw new Error(result.message);
  return user.upn;
}

/** `count` blocked users holding Basic, made straight through the store as an import would (fast). */
async function manyBlocked(tenantId: string, count: number): Promise<void> {
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: count });
  await inTransaction(db.db, async (tx) => {
    // Seats are written under the organization's lock, as Roster writes them.
    await lockOrganization(tx, tenantId);
    const made = await insertDirectoryUsersSkippingTaken(
      tx,
      Array.from({ length: count }, (_, i) => ({
        tenantId,
        userPrincipalName: `gone${String(i).padStart(4, '0')}@contoso.onmicrosoft.com`,
        alias: `gone${String(i).padStart(4, '0')}`,
        domain: 'contoso.onmicrosoft.com',
        displayName: `Gone ${String(i).padStart(4, '0')}`,
        profile: {},
        alternateEmail: null,
        usageLocation: 'NL',
        accountEnabled: false,
        slackUserId: null,
        passwordHash: 'hmac-sha256$generated$not-a-password',
        forceChangePassword: true,
      })),
      new Date(),
    );
    await assignLicense(
      tx,
      tenantId,
      BASIC.skuId,
      [...made.values()].map((userId) => ({ userId, disabledPlans: [] })),
      new Date(),
    );
  });
}

describeOnEachDatabase('reclaiming licenses', (kind) => {
  // 1,000 users on SQLite (the bar); on PostgreSQL fewer, past a few steps of RECLAIM_BATCH, to keep its run lean.
  const count = kind === 'sqlite' ? 1000 : 120;
  it(`Reclaim all is one job over ${count.toLocaleString('en')} users: each rechecked when reached (a user allowed to sign in meanwhile keeps theirs), one result`, async () => {
    db = await createTestDatabase(undefined, { kind });
    const { tenantId } = await seedTenant(db.ctx);
    await manyBlocked(tenantId, count);
    await setPrice(db.ctx, OWNER, { product: BASIC.partNumber, amount: '6', currency: 'EUR' });
    expect(await queueReclaim(db.ctx, OWNER, { count: count - 1 }, { queue: `cli:${db.ctx.instanceId}` })).toMatchObject({ ok: false, code: 'conflict' });
    const rehearsed = await rehearseReclaim(db.ctx, OWNER, { count });
    expect(rehearsed.ok && [rehearsed.done.length, rehearsed.dryRun]).toEqual([count, true]);
    expect(await countRows(db.db, 'LicenseAssignment')).toBe(count);
    const queued = await queueReclaim(db.ctx, OWNER, { count }, { queue: `cli:${db.ctx.instanceId}` });
    if (!queued.ok) throw new Error(queued.message);
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', RECLAIM_JOB))).toBe(1);
    // Meanwhile someone allows one of them to sign in again.
    await db.db.updateTable('DirectoryUser').set({ accountEnabled: 1 }).where('userPrincipalName', '=', 'gone0050@contoso.onmicrosoft.com').execute();
    db.runtime.jobs.register({ kind: RECLAIM_JOB, run: (job) => runReclaimJob(db.ctx, job) });
    const ended = await db.runtime.jobs.runNow(queued.jobId);
    expect(ended.status).toBe('succeeded');
    const result = await reclaimJobResult(db.ctx, queued.jobId);
    expect([result.done.length, result.notDone.length, result.total]).toEqual([count - 1, 1, count]);
    expect(result.notDone[0]?.reason).toContain('may sign in again since the report');
    expect(result.freed).toEqual([{ product: expect.objectContaining({ skuId: BASIC.skuId }), seats: count - 1 }]);
    expect(result.monthly).toEqual([{ minor: (count - 1) * 600, currency: 'EUR' }]);
    expect(await countRows(db.db, 'LicenseAssignment')).toBe(1);
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('summary', 'like', 'Reclaimed %'))).toBe(count - 1);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });
  it('proposes blocked licensed users with what their seats cost a month; not those allowed to sign in, deleted or unlicensed', async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
    await buyLicenses(db.ctx, OWNER, { product: E3.partNumber, quantity: 10 });
    expect(await setPrice(db.ctx, OWNER, { product: BASIC.partNumber, amount: '6.00', currency: 'eur' })).toMatchObject({ ok: true });
    const ana = await blocked('ana', [BASIC.skuId]);
    const bo = await blocked('bo', [E3.skuId]);
    await makeUser(db.ctx, 'cy', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }); // may sign in
    await blocked('di', []); // no license
    const eve = await blocked('eve', [BASIC.skuId]);
    expect(await deleteUsers(db.ctx, OWNER, { usernames: [eve] })).toMatchObject({ ok: true }); // its seat was freed at deletion
    const report = await reclaimReport(db.ctx, HELPDESK);
    if (!report.ok) throw new Error(report.message);
    expect(report.rows.map((r) => [r.userPrincipalName, r.products.map((p) => p.partNumber), r.monthly, r.unpriced.map((p) => p.partNumber)])).toEqual([
      [ana, [BASIC.partNumber], [{ minor: 600, currency: 'EUR' }], []],
      [bo, [E3.partNumber], [], [E3.partNumber]],
    ]);
    expect(report).toMatchObject({
      count: 2,
      seats: 2,
      monthly: [{ minor: 600, currency: 'EUR' }],
      canReclaim: false,
      inactivity: { state: 'not_connected', days: 90 },
      keepDays: 90,
    });
    expect(await reclaimReport(db.ctx, LICENSE_ADMIN)).toMatchObject({ ok: true, canReclaim: true });
  });

  it('Keep leaves a user out of the report for the keep time; Reclaim takes their licenses now, audited, seats freed', async () => {
    let now = new Date('2026-12-01T09:00:00Z');
    db = await createTestDatabase(() => now, { kind });
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
    const ana = await blocked('ana', [BASIC.skuId]);
    const bo = await blocked('bo', [BASIC.skuId]);
    expect(await keepLicensedUsers(db.ctx, HELPDESK, { users: { usernames: [ana] } })).toMatchObject({ ok: false, code: 'forbidden' });
    const kept = await keepLicensedUsers(db.ctx, LICENSE_ADMIN, { users: { usernames: [ana] } });
    expect(kept).toMatchObject({ ok: true, kept: [ana], until: new Date('2027-03-01T09:00:00Z') });
    const report = await reclaimReport(db.ctx, OWNER);
    expect(report.ok && report.rows.map((r) => r.userPrincipalName)).toEqual([bo]);
    expect(report.ok && report.kept).toEqual([{ userPrincipalName: ana, keptUntil: new Date('2027-03-01T09:00:00Z') }]);
    expect(await keepLicensedUsers(db.ctx, LICENSE_ADMIN, { users: { usernames: [ana] } })).toMatchObject({ ok: false, fields: [{ field: 'users' }] });
    const boId = (report.ok && report.rows[0]?.userId) || '';
    expect(await reclaimOne(db.ctx, HELPDESK, boId)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await reclaimOne(db.ctx, OWNER, boId, { dryRun: true })).toMatchObject({ ok: true, done: { userPrincipalName: bo } });
    expect(await reclaimOne(db.ctx, OWNER, boId)).toMatchObject({ ok: true, done: { userPrincipalName: bo, skuIds: [BASIC.skuId] } });
    expect(await reclaimOne(db.ctx, OWNER, boId)).toMatchObject({ ok: false, code: 'not_found' });
    const audit = await db.db
      .selectFrom('AuditRecord')
      .select('summary')
      .where('action', 'in', ['user.licenses', 'user.license_kept'])
      .orderBy('createdAt')
      .execute();
    expect(audit.map((a) => a.summary).slice(-2)).toEqual([
      `Kept the licenses of ${ana} (not proposed for reclaiming until 2027-03-01)`,
      `Reclaimed Microsoft 365 Business Basic from ${bo} (sign-in blocked)`,
    ]);
    // After the keep time, the user is proposed again.
    now = new Date('2027-03-02T09:00:00Z');
    const later = await reclaimReport(db.ctx, OWNER);
    expect(later.ok && later.rows.map((r) => r.userPrincipalName)).toEqual([ana]);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });
});

describe('reclaim refusals', () => {
  it('on a set that changed since it was confirmed (Slack carries the fingerprint of what it showed)', async () => {
    db = await createTestDatabase();
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 });
    await blocked('ana', [BASIC.skuId]);
    const shown = await reclaimReport(db.ctx, OWNER);
    if (!shown.ok) throw new Error(shown.message);
    await blocked('bo', [BASIC.skuId]);
    await keepLicensedUsers(db.ctx, OWNER, { users: { ids: [shown.rows[0]!.userId] } });
    const refused = await queueReclaim(db.ctx, OWNER, { count: 1, fingerprint: shown.fingerprint }, { queue: 'app' });
    expect(refused).toMatchObject({ ok: false, code: 'conflict' });
    expect(!refused.ok && refused.message).toContain('The report changed since it was confirmed');
  });
});

describe('license prices', () => {
  it('a Global or Billing admin sets the monthly price of a seat in a currency (its own decimals), or forgets it; bad input names the field', async () => {
    db = await createTestDatabase();
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 });
    const billing = { teamId: OWNER.teamId, operator: 'bill', roles: ['billing_admin' as const] };
    expect(await setPrice(db.ctx, LICENSE_ADMIN, { product: BASIC.partNumber, amount: '6', currency: 'EUR' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await setPrice(db.ctx, billing, { product: BASIC.partNumber, amount: '6', currency: 'EURO' })).toMatchObject({
      ok: false,
      fields: [{ field: 'currency' }],
    });
    expect(await setPrice(db.ctx, billing, { product: BASIC.partNumber, amount: '6.123', currency: 'EUR' })).toMatchObject({
      ok: false,
      fields: [{ field: 'amount' }],
    });
    expect(await setPrice(db.ctx, billing, { product: BASIC.partNumber, amount: '750.5', currency: 'JPY' })).toMatchObject({
      ok: false,
      fields: [{ field: 'amount' }],
    });
    expect(await setPrice(db.ctx, billing, { product: BASIC.partNumber, amount: '750', currency: 'jpy' })).toMatchObject({
      ok: true,
      price: { minor: 750, currency: 'JPY' },
    });
    expect(await setPrice(db.ctx, billing, { product: 'business basic', amount: '6,40', currency: 'EUR' })).toMatchObject({ ok: true, price: { minor: 640 } });
    expect(await setPrice(db.ctx, billing, { product: BASIC.partNumber, amount: 'none' })).toMatchObject({ ok: true, price: null });
    const audit = await db.db.selectFrom('AuditRecord').select('summary').where('action', '=', 'licenses.price').orderBy('createdAt').execute();
    expect(audit.map((a) => a.summary)).toEqual([
      'Set the price of Microsoft 365 Business Basic to ¥750 a seat a month (was no price)',
      'Set the price of Microsoft 365 Business Basic to €6.40 a seat a month (was ¥750)',
      'Forgot the price of Microsoft 365 Business Basic (was €6.40)',
    ]);
  });
});
