import { afterEach, describe, expect, it } from 'vitest';
import { assignProduct } from '../../src/core/licenses/assign-product.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { changeQuantity } from '../../src/core/licenses/change-quantity.js';
import { changeSeatAlerts } from '../../src/core/licenses/change-seat-alerts.js';
import { seatAlerts } from '../../src/core/licenses/seat-alerts.js';
import { unassignProduct } from '../../src/core/licenses/unassign-product.js';
import { setSeatWarning } from '../../src/core/tenant/set-seat-warning.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { restoreUser } from '../../src/core/users/restore-user.js';
import { SEAT_ALERT_JOB } from '../../src/domain/seat-alerts.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { inTransaction } from '../../src/store/database.js';
import { lockOrganization } from '../../src/store/organization-lock.js';
import { assignLicense, unassignLicense } from '../../src/store/seat-ledger.js';
import { testPostgresUrl } from '../support/postgres-schemas.js';
import { requestSync } from '../../src/core/microsoft/sync-request.js';
import { connectToFake, fakeGraphOptions } from '../support/connected-tenant.js';
import { startFakeGraph } from '../support/fake-graph.js';
import { BASIC, E3, makeUser } from '../lifecycle/helpers.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
afterEach(async () => db?.destroy());

/** The seat alert jobs queued so far: the product and crossing of each. */
async function alerts(): Promise<{ skuId: string; crossing: number }[]> {
  const rows = await db.db.selectFrom('Job').select(['payload', 'key']).where('kind', '=', SEAT_ALERT_JOB).orderBy('createdAt').orderBy('id').execute();
  return rows.map((row) => JSON.parse(row.payload) as { skuId: string; crossing: number });
}

async function users(prefix: string, count: number): Promise<string[]> {
  const upns: string[] = [];
  for (let i = 0; i < count; i++) upns.push((await makeUser(db.ctx, `${prefix}${i}`)).upn);
  return upns;
}

const assign = async (product: string, names: string[]) => {
  const result = await assignProduct(db.ctx, OWNER, { product, users: { usernames: names }, many: true });
  if (!result.ok || result.notDone.length) throw new Error(JSON.stringify(result));
};

describeOnEachDatabase('seat alerts', (kind) => {
  it('queues one alert when a change takes a product below the seat warning, none while it stays below, another after it rose again', async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
    const [a, b, c, d, e, f, g, h] = await users('u', 8);
    await assign(BASIC.partNumber, [a!, b!, c!, d!, e!]);
    expect(await alerts()).toEqual([]); // 5 left: not below 5
    await assign(BASIC.partNumber, [f!]);
    expect(await alerts()).toEqual([{ skuId: BASIC.skuId, crossing: 1 }]);
    await assign(BASIC.partNumber, [g!, h!]);
    expect(await alerts()).toHaveLength(1);
    // Back to 5 left (at the threshold) re-arms; the next crossing alerts again.
    await unassignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: [f!, g!, h!] }, many: true });
    expect(await seatAlerts(db.ctx, OWNER)).toMatchObject({ ok: true, products: [{ belowSince: null }] });
    await assign(BASIC.partNumber, [f!]);
    expect(await alerts()).toEqual([
      { skuId: BASIC.skuId, crossing: 1 },
      { skuId: BASIC.skuId, crossing: 2 },
    ]);
    // A dry run rehearses the crossing and rolls it back with the change.
    await unassignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: [f!] }, many: true });
    await assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: [f!] }, many: true, dryRun: true });
    expect(await alerts()).toHaveLength(2);
  });

  it("a product's own threshold wins over the seat warning; 0 turns its alert off; a delete frees seats and re-arms", async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 4 });
    await buyLicenses(db.ctx, OWNER, { product: E3.partNumber, quantity: 20 });
    const set = await changeSeatAlerts(db.ctx, OWNER, { set: { product: 'business basic', seats: '2' } });
    expect(set).toMatchObject({ ok: true, summary: 'Seat alert for Microsoft 365 Business Basic set to fewer than 2 left' });
    expect(await changeSeatAlerts(db.ctx, OWNER, { set: { product: E3.partNumber, seats: '0' } })).toMatchObject({ ok: true });
    const [a, b, c, d, e, f] = await users('v', 6);
    await assign(BASIC.partNumber, [a!, b!]);
    expect(await alerts()).toEqual([]); // 2 left of Basic: not below its own 2
    await assign(E3.partNumber, [d!, e!, f!]);
    await assign(BASIC.partNumber, [c!]);
    expect(await alerts()).toEqual([{ skuId: BASIC.skuId, crossing: 1 }]); // E3 never alerts
    const deleted = await deleteUsers(db.ctx, OWNER, { usernames: [c!] });
    expect(deleted.ok).toBe(true);
    const overview = await seatAlerts(db.ctx, OWNER);
    if (!overview.ok) throw new Error(overview.message);
    const basic = overview.products.find((p) => p.product.skuId === BASIC.skuId)!;
    expect(basic).toMatchObject({ available: 2, ownThreshold: 2, threshold: 2, belowSince: null });
    expect(overview.products.find((p) => p.product.skuId === E3.skuId)).toMatchObject({ ownThreshold: 0, threshold: 0 });
  });

  it('a purchase reduction crosses; a purchase re-arms; a new threshold settles the state without an alert', async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
    const [a] = await users('w', 1);
    await assign(BASIC.partNumber, [a!]);
    expect(await changeQuantity(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 })).toMatchObject({ ok: true });
    expect(await alerts()).toEqual([{ skuId: BASIC.skuId, crossing: 1 }]);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 });
    // 9 left: the seat warning raised to 10 makes it below, silently (the admin is told where it stands).
    expect(await setSeatWarning(db.ctx, OWNER, '10')).toMatchObject({ ok: true });
    const overview = await seatAlerts(db.ctx, OWNER);
    expect(overview.ok && overview.products[0]?.belowSince).toBeInstanceOf(Date);
    const [b] = await users('x', 1);
    await assign(BASIC.partNumber, [b!]);
    expect(await alerts()).toHaveLength(1);
  });

  it('a delete frees a seat (back at the threshold) and the restore that gives it back crosses again', async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
    const upns = await users('r', 6);
    await assign(BASIC.partNumber, upns);
    expect(await alerts()).toHaveLength(1); // 4 left
    expect(await deleteUsers(db.ctx, OWNER, { usernames: [upns[0]!] })).toMatchObject({ ok: true }); // 5 left: re-armed
    expect(await restoreUser(db.ctx, OWNER, { user: upns[0]! })).toMatchObject({ ok: true, licensesGiven: [BASIC.displayName] });
    expect(await alerts()).toEqual([
      { skuId: BASIC.skuId, crossing: 1 },
      { skuId: BASIC.skuId, crossing: 2 },
    ]);
  });

  it('a purchase that starts a product below its threshold counts as alerted', async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 3 });
    const [a] = await users('y', 1);
    await assign(BASIC.partNumber, [a!]);
    expect(await alerts()).toEqual([]);
  });

  it('refuses who may not set them, and bad input naming the field', async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 3 });
    const licenseAdmin = { teamId: OWNER.teamId, operator: 'lena', roles: ['license_admin' as const] };
    expect(await changeSeatAlerts(db.ctx, licenseAdmin, { set: { product: BASIC.partNumber, seats: '2' } })).toMatchObject({ ok: false, code: 'forbidden' });
    const billing = { teamId: OWNER.teamId, operator: 'bill', roles: ['billing_admin' as const] };
    expect(await changeSeatAlerts(db.ctx, billing, { set: { product: BASIC.partNumber, seats: 'lots' } })).toMatchObject({
      ok: false,
      fields: [{ field: 'threshold' }],
    });
    expect(await changeSeatAlerts(db.ctx, billing, { channel: '#general' })).toMatchObject({ ok: false, fields: [{ field: 'channel' }] });
    expect(await changeSeatAlerts(db.ctx, billing, { digest: 'someday' })).toMatchObject({ ok: false, fields: [{ field: 'digest' }] });
    expect(await changeSeatAlerts(db.ctx, billing, { digest: 'mon 9' })).toMatchObject({ ok: true, summary: 'Weekly seat digest on Mondays at 09:00 UTC' });
    expect(await changeSeatAlerts(db.ctx, billing, { channel: 'C0ALERTS1' }, { dryRun: true })).toMatchObject({ ok: true, dryRun: true });
    const overview = await seatAlerts(db.ctx, billing);
    expect(overview).toMatchObject({ ok: true, channelId: null, digest: { day: 1, hour: 9 }, canChange: true });
    const audit = await db.db.selectFrom('AuditRecord').select('summary').where('action', '=', 'licenses.alert').execute();
    expect(audit.map((r) => r.summary)).toEqual(['Weekly seat digest on Mondays at 09:00 UTC']);
  });
});

describe.skipIf(!testPostgresUrl)('seat alerts when changes cross at once (PostgreSQL)', () => {
  it('of changes crossing together, each of which read the product above before any took its seat, exactly one queues the alert, crossing after crossing', async () => {
    db = await createTestDatabase(undefined, { kind: 'postgres' });
    const { tenantId } = await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await makeUser(db.ctx, `z${i}`)).id);
    await assign(BASIC.partNumber, await users('held', 5)); // 5 left: at the seat warning, not below
    for (let round = 1; round <= 3; round++) {
      // Every transaction is open and has read the pool before any takes its seat: each would see the
      // product above if the crossing were decided on what it read before its own UPDATE. (They then
      // take their seats one after the other, under the organization's lock as every seat write does.)
      let arrived = 0;
      let release: () => void = () => undefined;
      const allOpen = new Promise<void>((resolve) => (release = resolve));
      await Promise.all(
        ids.map((userId) =>
          inTransaction(db.db, async (tx) => {
            await tx.selectFrom('LicensePool').select('assigned').where('tenantId', '=', tenantId).execute();
            if (++arrived === ids.length) release();
            await allOpen;
            await lockOrganization(tx, tenantId);
            await assignLicense(tx, tenantId, BASIC.skuId, [{ userId, disabledPlans: [] }], new Date());
          }),
        ),
      );
      expect(await alerts()).toEqual(Array.from({ length: round }, (_, i) => ({ skuId: BASIC.skuId, crossing: i + 1 })));
      // All freed at once: back above, the next round crosses again.
      await Promise.all(
        ids.map((userId) =>
          inTransaction(db.db, async (tx) => {
            await lockOrganization(tx, tenantId);
            await unassignLicense(tx, tenantId, BASIC.skuId, [userId]);
          }),
        ),
      );
    }
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });
});

describe('seat alerts of a connected tenant', () => {
  it('a sync that reads the tenant below the threshold alerts once; one that reads it above again re-arms; alerts stay settable', async () => {
    const graph = await startFakeGraph({ displayName: 'Contoso Ltd' });
    try {
      const app = graph.registerApp();
      db = await createTestDatabase(undefined, { graph: fakeGraphOptions(graph) });
      const { admin } = await seedTenant(db.ctx);
      graph.tenant.addSku({ skuId: BASIC.skuId, skuPartNumber: BASIC.partNumber, enabled: 10 });
      graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName, displayName: 'Olivia Owner' });
      await connectToFake(db, OWNER, graph, app);
      const basic = [{ skuId: BASIC.skuId, disabledPlans: [] }];
      for (let i = 0; i < 5; i++) graph.tenant.addUser({ userPrincipalName: `t${i}@contoso.onmicrosoft.com`, usageLocation: 'NL', assignedLicenses: basic });
      const sync = async () => {
        const asked = await requestSync(db.ctx, OWNER);
        if (!asked.ok) throw new Error(asked.message);
        expect((await db.runtime.jobs.runNow(asked.jobId)).status).toBe('succeeded');
      };
      await sync(); // 5 consumed of 10: 5 left, at the threshold
      expect(await alerts()).toEqual([]);
      graph.tenant.addUser({ userPrincipalName: 't5@contoso.onmicrosoft.com', usageLocation: 'NL', assignedLicenses: basic });
      await sync(); // 4 left
      await sync();
      expect(await alerts()).toEqual([{ skuId: BASIC.skuId, crossing: 1 }]);
      graph.tenant.setLicenses('t5@contoso.onmicrosoft.com', []);
      graph.tenant.setLicenses('t4@contoso.onmicrosoft.com', []);
      await sync(); // 6 left
      graph.tenant.setLicenses('t4@contoso.onmicrosoft.com', basic);
      graph.tenant.setLicenses('t5@contoso.onmicrosoft.com', basic);
      await sync();
      expect(await alerts()).toEqual([
        { skuId: BASIC.skuId, crossing: 1 },
        { skuId: BASIC.skuId, crossing: 2 },
      ]);
      // Roster's own settings: they change on a connected organization too.
      expect(await changeSeatAlerts(db.ctx, OWNER, { set: { product: BASIC.partNumber, seats: '2' } })).toMatchObject({ ok: true });
    } finally {
      await graph.close();
    }
  });
});
