import { afterEach, beforeEach, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkConnection, confirmConnection } from '../../src/core/microsoft/connect-organization.js';
import { CREATE_MISSING_JOB, createMissingResult, runCreateMissing } from '../../src/core/microsoft/create-missing-job.js';
import { requestSync } from '../../src/core/microsoft/sync-request.js';
import type { CredentialNotice } from '../../src/core/users/add-user.js';
import { blockUser } from '../../src/core/users/block-user.js';
import { createLogger } from '../../src/log.js';
import { insertDomain } from '../../src/store/organizations.js';
import { toDbDate } from '../../src/store/values.js';
import type { DatabaseKind } from '../../src/store/dialect.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { fakeGraphOptions } from '../support/connected-tenant.js';
import { startFakeGraph, type FakeApp, type FakeGraph } from '../support/fake-graph.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { addProduct, GLOBAL_ADMINISTRATOR, WRITE_PERMISSIONS } from './tenant-support.js';

// Issue 16 item 1: connecting an organization whose own directory holds users the tenant does not
// have, with "Create them in the tenant": they are made there (profile, usage location, licenses
// with their apps turned off, sign-in), each with a new temporary password for the admin.
let graph: FakeGraph;
let app: FakeApp;
let db: TestDatabase;
let notices: CredentialNotice[];
const EXCHANGE = BASIC.plans.find((p) => p.name.startsWith('EXCHANGE_S_'))!;

function world(kind: DatabaseKind) {
  beforeEach(async () => {
    graph = await startFakeGraph({ displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com' });
    app = graph.registerApp({ permissions: WRITE_PERMISSIONS, roles: ['User Administrator'] });
    db = await createTestDatabase(undefined, { graph: fakeGraphOptions(graph), logger: createLogger('error', () => undefined), kind });
    const { admin } = await seedTenant(db.ctx);
    graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName, displayName: 'Olivia Owner', usageLocation: 'NL' });
    graph.tenant.assignRole(admin.userPrincipalName, GLOBAL_ADMINISTRATOR);
    // One seat of Business Basic in the tenant: the second user asking for it is made without it.
    addProduct(graph, BASIC, 1);
    // fabrikam.com is Roster's, but not verified in the tenant.
    graph.tenant.addDomain('fabrikam.com', { isVerified: false });
    const tenantId = (await db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow()).id;
    await insertDomain(db.db, tenantId, 'fabrikam.com', new Date());
    const bought = await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 });
    if (!bought.ok) throw new Error(bought.message);
    notices = [];
    db.runtime.jobs.register({
      kind: CREATE_MISSING_JOB,
      run: (job) =>
        runCreateMissing(db.ctx, job, async (_tx, notice) => {
          notices.push(notice);
          return [];
        }),
    });
  });
  afterEach(async () => {
    await db.destroy();
    await graph.close();
  });
}

const input = () => ({ tenant: graph.tenant.id, clientId: app.clientId, clientSecret: app.secret });
const inTenant = (upn: string) => graph.tenant.holderOf(upn)?.user;

async function connectCreating(): Promise<string> {
  const checked = await checkConnection(db.ctx, OWNER, db.runtime.secretKey(), input());
  if (!checked.ok) throw new Error(checked.message);
  expect(checked.plan.users).toMatchObject({ matched: 1, leftOutCount: 4 });
  const confirmed = await confirmConnection(db.ctx, OWNER, { checkedAt: checked.plan.checkedAt, missing: 'create' });
  if (!confirmed.ok) throw new Error(confirmed.message);
  expect(confirmed.syncJobId).toBeNull();
  return confirmed.createJobId!;
}

async function seedRoster() {
  const ana = await makeUser(db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [EXCHANGE.id] }], city: 'Utrecht', department: 'Sales' });
  const bo = await makeUser(db.ctx, 'bo', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
  const cy = await makeUser(db.ctx, 'cy');
  const blocked = await blockUser(db.ctx, OWNER, { userId: cy.id });
  if (!blocked.ok) throw new Error(blocked.message);
  const dee = await makeUser(db.ctx, 'dee', { domain: 'fabrikam.com' });
  return { ana, bo, cy, dee };
}

describeOnEachDatabase('connect → Create them in the tenant', (kind) => {
  world(kind);

  it('makes each user there with their profile, usage location, licenses and sign-in, then the first sync matches them', async () => {
    const { ana, bo, cy, dee } = await seedRoster();
    const jobId = await connectCreating();
    // No sync reads the tenant while the users are being made (a full read would delete them in Roster).
    const early = await requestSync(db.ctx, OWNER);
    if (!early.ok) throw new Error(early.message);
    expect((await db.runtime.jobs.runNow(early.jobId)).result).toMatchObject({ skipped: expect.stringContaining('being created in the tenant') });

    const ended = await db.runtime.jobs.runNow(jobId);
    expect([ended.status, ended.error]).toEqual(['succeeded', null]);
    expect(inTenant(ana.upn)).toMatchObject({
      displayName: 'ana Test',
      givenName: 'ana',
      surname: 'Test',
      usageLocation: 'NL',
      city: 'Utrecht',
      department: 'Sales',
      accountEnabled: true,
      assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [EXCHANGE.id] }],
    });
    expect(inTenant(cy.upn)).toMatchObject({ accountEnabled: false });
    // The tenant's one seat went to Ana: Bo is made without it, and the results say why.
    expect(inTenant(bo.upn)?.assignedLicenses).toEqual([]);
    expect(inTenant(dee.upn)).toBeUndefined();
    const result = await createMissingResult(db.ctx, jobId);
    expect(result.created.map((u) => u.userPrincipalName).sort()).toEqual([ana.upn, cy.upn].sort());
    expect(result.withoutLicense).toEqual([{ userPrincipalName: bo.upn, licenses: [BASIC.displayName], reason: expect.stringMatching(/licen[cs]e/i) }]);
    expect(result.refused).toEqual([{ userPrincipalName: dee.upn, reason: expect.stringContaining('fabrikam.com is not a verified domain of Contoso Ltd') }]);

    // A new temporary password each, changed at first sign-in, for the admin: the one the tenant was given.
    expect(notices.map((n) => n.userPrincipalName).sort()).toEqual([ana.upn, bo.upn, cy.upn].sort());
    const anaNotice = notices.find((n) => n.userPrincipalName === ana.upn)!;
    expect(anaNotice).toMatchObject({ occasion: 'added', mustChangeAtNextSignIn: true, licenses: [BASIC.displayName] });
    const made = graph.calls().filter((c) => c.method === 'POST' && c.path === '/v1.0/users' && JSON.stringify(c.body).includes(ana.upn));
    expect(made.map((c) => (c.body as { passwordProfile: unknown }).passwordProfile)).toEqual([
      { password: anaNotice.temporaryPassword, forceChangePasswordNextSignIn: true },
    ]);
    // Never stored: not in the job, its outcomes, the audit or anywhere else Roster writes.
    const stored = JSON.stringify([
      await db.db.selectFrom('Job').selectAll().execute(),
      await db.db.selectFrom('JobOutcome').selectAll().execute(),
      await db.db.selectFrom('AuditRecord').selectAll().execute(),
    ]);
    for (const n of notices) expect(stored).not.toContain(n.temporaryPassword);

    // The creation queued the first sync: the users made are matched, the one left out is deleted.
    expect(typeof ended.result?.syncJobId).toBe('string');
    const sync = await db.runtime.jobs.runNow(String(ended.result?.syncJobId));
    expect([sync.status, sync.error]).toEqual(['succeeded', null]);
    const rows = await db.db.selectFrom('DirectoryUser').select(['id', 'externalId', 'deletedAt']).execute();
    const row = (id: string) => rows.find((r) => r.id === id)!;
    expect(row(ana.id)).toMatchObject({ externalId: inTenant(ana.upn)!.id, deletedAt: null });
    expect(row(bo.id)).toMatchObject({ externalId: inTenant(bo.upn)!.id, deletedAt: null });
    expect(row(dee.id).deletedAt).not.toBeNull();
    expect(await db.db.selectFrom('LicenseAssignment').select('userId').where('userId', '=', bo.id).execute()).toEqual([]);
  });

  it('never makes a user twice: an answer lost, then the tenant unreachable, the job run again recognizes its own users', async () => {
    const { ana, bo, cy } = await seedRoster();
    const jobId = await connectCreating();
    // The JSON batch that makes them is carried out, but its answer is lost (the connection cut), and
    // the tenant then keeps throttling: the run is interrupted, nothing recorded, the usernames asked for noted.
    let batches = 0;
    graph.beforeChange((call) => {
      if (call.path !== '/$batch' || !JSON.stringify(call.body).includes('"method":"POST"')) return;
      batches += 1;
      if (batches === 1) graph.dropBatchAnswers(1);
      else graph.throttle({ next: 10_000, retryAfter: 1 });
    });
    const first = await db.runtime.jobs.runNow(jobId);
    graph.beforeChange(null);
    graph.throttle({ next: 0 });
    expect([first.status, first.error]).toEqual(['queued', expect.stringContaining('did not answer')]);
    expect(notices).toEqual([]);
    expect(inTenant(ana.upn)).toBeDefined();
    await db.db
      .updateTable('Job')
      .set({ runAt: toDbDate(new Date(0)) })
      .where('id', '=', jobId)
      .execute();
    const again = await db.runtime.jobs.runNow(jobId);
    expect([again.status, again.error]).toEqual(['succeeded', null]);
    for (const upn of [ana.upn, bo.upn, cy.upn]) expect(graph.tenant.activeUsers().filter((u) => u.userPrincipalName === upn)).toHaveLength(1);
    const result = await createMissingResult(db.ctx, jobId);
    expect([...result.created, ...result.withoutLicense].map((u) => u.userPrincipalName).sort()).toEqual([ana.upn, bo.upn, cy.upn].sort());
    // Recognized as this job's own, each is given the password of the run that recorded them (the admin's notice).
    const anaNotice = notices.find((n) => n.userPrincipalName === ana.upn)!;
    const made = graph.tenant.holderOf(ana.upn)!.user.id;
    expect(
      graph
        .calls()
        .filter((c) => c.method === 'PATCH' && c.path === `/v1.0/users/${made}`)
        .map((c) => c.body),
    ).toEqual([{ passwordProfile: { password: anaNotice.temporaryPassword, forceChangePasswordNextSignIn: true } }]);
  });

  it('refuses to connect while the admin has not said what becomes of the users not in the tenant', async () => {
    await seedRoster();
    const checked = await checkConnection(db.ctx, OWNER, db.runtime.secretKey(), input());
    if (!checked.ok) throw new Error(checked.message);
    expect(await confirmConnection(db.ctx, OWNER, { checkedAt: checked.plan.checkedAt, missing: null })).toMatchObject({
      ok: false,
      fields: [{ field: 'missing' }],
    });
  });
});
