import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionStatus } from '../../src/core/microsoft/connection-status.js';
import { requestSync } from '../../src/core/microsoft/sync-request.js';
import { SYNC_SWEEP } from '../../src/core/microsoft/sync-schedule.js';
import { findUsers } from '../../src/core/users/find-users.js';
import { enqueue } from '../../src/core/jobs/enqueue.js';
import { BASIC, E3 } from '../lifecycle/helpers.js';
import { connectToFake, fakeGraphOptions } from '../support/connected-tenant.js';
import { startFakeGraph, type FakeApp, type FakeGraph } from '../support/fake-graph.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

let graph: FakeGraph;
let app: FakeApp;
let db: TestDatabase;
let waits: number[];
const EXCHANGE = BASIC.plans.find((p) => p.name.startsWith('EXCHANGE_S_'))!;

beforeEach(async () => {
  graph = await startFakeGraph({ displayName: 'Contoso Ltd' });
  app = graph.registerApp();
  waits = [];
  db = await createTestDatabase(undefined, { graph: fakeGraphOptions(graph, waits) });
  const { admin } = await seedTenant(db.ctx);
  graph.tenant.addSku({ skuId: BASIC.skuId, skuPartNumber: BASIC.partNumber, enabled: 10 });
  graph.tenant.addSku({ skuId: E3.skuId, skuPartNumber: E3.partNumber, enabled: 5 });
  graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName, displayName: 'Olivia Owner' });
});
afterEach(async () => {
  await db.destroy();
  await graph.close();
});

async function syncNow() {
  const asked = await requestSync(db.ctx, OWNER);
  if (!asked.ok) throw new Error(asked.message);
  return db.runtime.jobs.runNow(asked.jobId);
}

const user = (upn: string) => db.db.selectFrom('DirectoryUser').selectAll().where('upnKey', '=', upn.toLowerCase()).executeTakeFirst();
const licensesOf = async (userId: string) =>
  (await db.db.selectFrom('LicenseAssignment').select(['skuId', 'disabledPlans']).where('userId', '=', userId).orderBy('skuId').execute()).map(
    (l) => `${l.skuId}:${l.disabledPlans}`,
  );

describe('a command line killed in the middle of a sync', () => {
  it('blocks no later sync: its job no longer counts once its lease ran out, and the schedule marks it failed', async () => {
    await connectToFake(db, OWNER, graph, app);
    const tenantId = (await db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow()).id;
    const dead = await enqueue(db.ctx, { tenantId, kind: 'directory.sync', queue: 'cli:dead-process', payload: { notify: null }, requestedBy: 'cli:kim' });
    const past = new Date(Date.now() - 60_000).toISOString();
    await db.db
      .updateTable('Job')
      .set({ status: 'running', leaseOwner: 'dead-process', leaseExpiresAt: past, createdAt: past })
      .where('id', '=', dead.id)
      .execute();
    await db.db.updateTable('DirectoryConnection').set({ syncJobId: dead.id }).execute();
    graph.tenant.addUser({ userPrincipalName: 'late@contoso.onmicrosoft.com' });
    const asked = await requestSync(db.ctx, OWNER);
    expect(asked).toMatchObject({ ok: true, alreadyQueued: false });
    const sync = await db.runtime.jobs.runNow(asked.ok ? asked.jobId : '');
    expect(sync.result).toMatchObject({ added: 1 });
    const sweep = await enqueue(db.ctx, { tenantId: null, kind: SYNC_SWEEP, payload: {}, requestedBy: 'roster:test' });
    await db.runtime.jobs.runNow(sweep.id);
    expect(await db.db.selectFrom('Job').select(['status', 'error']).where('id', '=', dead.id).executeTakeFirst()).toEqual({
      status: 'failed',
      error: 'The command line that ran this sync stopped before it ended; the next sync goes on.',
    });
  });
});

describe('the mirror: a full sync first, then delta syncs', () => {
  it('brings in users created, changed, deleted, restored and removed in the admin center, with their licenses and disabled plans', async () => {
    graph.tenant.addUser({ userPrincipalName: 'ana@contoso.onmicrosoft.com', displayName: 'Ana Alder', city: 'Utrecht', usageLocation: 'NL' });
    graph.tenant.addUser({ userPrincipalName: 'bo@contoso.onmicrosoft.com', displayName: 'Bo Berg', onPremisesSyncEnabled: true });
    graph.tenant.addUser({ userPrincipalName: 'cy@contoso.onmicrosoft.com', displayName: 'Cy Cole', userType: 'Guest' });
    expect((await connectToFake(db, OWNER, graph, app)).status).toBe('succeeded');
    expect(await user('bo@contoso.onmicrosoft.com')).toMatchObject({ source: 'synced' });
    expect(await user('cy@contoso.onmicrosoft.com')).toMatchObject({ userType: 'guest' });

    graph.tenant.addUser({ userPrincipalName: 'dee@contoso.onmicrosoft.com', displayName: 'Dee Dunn', usageLocation: 'BE' });
    graph.tenant.updateUser('ana@contoso.onmicrosoft.com', { jobTitle: 'Buyer', accountEnabled: false });
    graph.tenant.setLicenses('ana@contoso.onmicrosoft.com', [{ skuId: BASIC.skuId, disabledPlans: [EXCHANGE.id] }]);
    graph.tenant.deleteUser('bo@contoso.onmicrosoft.com');
    graph.tenant.purgeUser('cy@contoso.onmicrosoft.com');
    const before = graph.calls().length;
    const delta = await syncNow();
    expect(delta.status, delta.error ?? '').toBe('succeeded');
    expect(delta.result).toMatchObject({ users: 4, added: 1, changed: 1, removed: 2 });
    // A delta sync reads from its delta link, not every user again.
    expect(
      graph
        .calls()
        .slice(before)
        .filter((c) => c.path.includes('/users/delta'))
        .every((c) => c.path.includes('$deltatoken=') || c.path.includes('$skiptoken=')),
    ).toBe(true);

    const ana = (await user('ana@contoso.onmicrosoft.com'))!;
    // What the tenant did not say changed (the city) stays; what it said did, changed.
    expect(ana).toMatchObject({ jobTitle: 'Buyer', accountEnabled: 0, city: 'Utrecht', usageLocation: 'NL', mailbox: 'none' });
    expect(await licensesOf(ana.id)).toEqual([`${BASIC.skuId}:["${EXCHANGE.id}"]`]);
    expect(await user('dee@contoso.onmicrosoft.com')).toMatchObject({ displayName: 'Dee Dunn', usageLocation: 'BE', deletedAt: null });
    const bo = await db.db
      .selectFrom('DirectoryUser')
      .select(['deletedAt'])
      .where('userPrincipalName', '=', 'bo@contoso.onmicrosoft.com')
      .executeTakeFirstOrThrow();
    expect(bo.deletedAt).not.toBeNull();
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('userPrincipalName', '=', 'cy@contoso.onmicrosoft.com'))).toBe(0);
    // Find reads the mirror: the new user is found, the deleted one is not.
    const found = await findUsers(db.ctx, OWNER, 'dee');
    expect(found.ok && found.users.map((u) => u.userPrincipalName)).toEqual(['dee@contoso.onmicrosoft.com']);
    expect(await findUsers(db.ctx, OWNER, 'bo')).toMatchObject({ ok: true, users: [] });

    graph.tenant.restoreUser('bo@contoso.onmicrosoft.com');
    expect((await syncNow()).status).toBe('succeeded');
    expect(await user('bo@contoso.onmicrosoft.com')).toMatchObject({ deletedAt: null, displayName: 'Bo Berg' });
    const pools = await db.db.selectFrom('LicensePool').select(['skuId', 'total', 'assigned']).orderBy('skuId').execute();
    expect(pools).toEqual(
      [
        { skuId: BASIC.skuId, total: 10, assigned: 1 },
        { skuId: E3.skuId, total: 5, assigned: 0 },
      ].sort((a, b) => a.skuId.localeCompare(b.skuId)),
    );
  });

  it('writes a large first sync a page and a few hundred users at a time, and reads every page', async () => {
    graph.tenant.seedUsers(650, { license: { skuId: BASIC.skuId, disabledPlans: [] } });
    graph.tenant.addSku({ skuId: BASIC.skuId, skuPartNumber: BASIC.partNumber, enabled: 1000 });
    graph.setPageSize(300);
    const sync = await connectToFake(db, OWNER, graph, app);
    expect(sync.status, sync.error ?? '').toBe('succeeded');
    expect(sync.result).toMatchObject({ users: 651, added: 650, changed: 1 });
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('deletedAt', 'is', null))).toBe(651);
    expect(await countRows(db.db, 'LicenseAssignment')).toBe(650);
    expect(await db.db.selectFrom('LicensePool').select(['total', 'assigned']).where('skuId', '=', BASIC.skuId).executeTakeFirst()).toEqual({
      total: 1000,
      assigned: 650,
    });
  });

  it('completes when Graph throttles, waiting exactly what Retry-After says', async () => {
    graph.tenant.seedUsers(40);
    graph.setPageSize(5);
    graph.throttle({ fraction: 0.3, retryAfter: 2, seed: 3 });
    const sync = await connectToFake(db, OWNER, graph, app);
    expect(sync.status, sync.error ?? '').toBe('succeeded');
    expect(graph.stats.throttled).toBeGreaterThan(2);
    expect(waits.length).toBe(graph.stats.throttled);
    expect(waits.every((ms) => ms === 2000)).toBe(true);
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('deletedAt', 'is', null))).toBe(41);
  });

  it('a permission taken away after connecting fails the sync at once, naming it, and the status says so', async () => {
    await connectToFake(db, OWNER, graph, app);
    graph.setPermissions(app.clientId, ['Organization.Read.All', 'Domain.Read.All']);
    const sync = await syncNow();
    expect(sync.status).toBe('failed');
    expect(sync.attempts).toBe(1);
    expect(sync.error).toMatch(/The app lacks the User\.Read\.All permission \(application\) in Contoso Ltd/);
    const status = await connectionStatus(db.ctx, OWNER);
    expect(status.ok && status.connection?.lastSyncError).toMatch(/User\.Read\.All/);
    graph.setPermissions(app.clientId, ['User.Read.All', 'Organization.Read.All', 'Domain.Read.All']);
    expect((await syncNow()).status).toBe('succeeded');
    const after = await connectionStatus(db.ctx, OWNER);
    expect(after.ok && after.connection?.lastSyncError).toBeNull();
  });

  it('reads every user again when the tenant no longer knows the delta token, and deletes those it no longer has', async () => {
    graph.tenant.addUser({ userPrincipalName: 'gone@contoso.onmicrosoft.com' });
    await connectToFake(db, OWNER, graph, app);
    graph.expireDeltaTokens();
    // Gone for good while Roster could not follow the changes: only a full read finds it missing.
    graph.tenant.purgeUser('gone@contoso.onmicrosoft.com');
    graph.expireDeltaTokens();
    const sync = await syncNow();
    expect(sync.status, sync.error ?? '').toBe('succeeded');
    expect((await user('gone@contoso.onmicrosoft.com'))?.deletedAt ?? null).not.toBeNull();
  });

  it('one sync at a time: asking again returns the one queued; the schedule asks once per organization and slot', async () => {
    await connectToFake(db, OWNER, graph, app);
    const first = await requestSync(db.ctx, OWNER);
    const again = await requestSync(db.ctx, OWNER);
    expect(again).toMatchObject({ ok: true, alreadyQueued: true, jobId: first.ok ? first.jobId : '' });
    await db.runtime.jobs.runNow(first.ok ? first.jobId : '');
    const sweep = await enqueue(db.ctx, { tenantId: null, kind: SYNC_SWEEP, payload: {}, requestedBy: 'roster:test' });
    expect((await db.runtime.jobs.runNow(sweep.id)).result).toEqual({ queued: 1 });
    const next = await enqueue(db.ctx, { tenantId: null, kind: SYNC_SWEEP, payload: {}, requestedBy: 'roster:test' });
    expect((await db.runtime.jobs.runNow(next.id)).result).toEqual({ queued: 0 });
  });
});
