import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkConnection, confirmConnection } from '../../src/core/microsoft/connect-organization.js';
import { connectionStatus } from '../../src/core/microsoft/connection-status.js';
import { disconnectOrganization } from '../../src/core/microsoft/disconnect-organization.js';
import { addUser } from '../../src/core/users/add-user.js';
import { changeDomain } from '../../src/core/domains/change-domains.js';
import { listLicenses } from '../../src/core/licenses/list-licenses.js';
import { CONNECTED_READ_ONLY } from '../../src/core/refusals.js';
import { createLogger } from '../../src/log.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { connectToFake, fakeGraphOptions } from '../support/connected-tenant.js';
import { startFakeGraph, type FakeApp, type FakeGraph } from '../support/fake-graph.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

let graph: FakeGraph;
let app: FakeApp;
let db: TestDatabase;
let admin: string;
const logs: string[] = [];

beforeEach(async () => {
  graph = await startFakeGraph({ displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com' });
  app = graph.registerApp();
  logs.length = 0;
  db = await createTestDatabase(undefined, { graph: fakeGraphOptions(graph), logger: createLogger('debug', (line) => logs.push(line)) });
  admin = (await seedTenant(db.ctx)).admin.userPrincipalName;
  graph.tenant.addSku({ skuId: BASIC.skuId, skuPartNumber: BASIC.partNumber, enabled: 25 });
  graph.tenant.addDomain('contoso.com', { isDefault: true });
  graph.tenant.addUser({
    userPrincipalName: admin,
    displayName: 'Olivia Owner (tenant)',
    jobTitle: 'CEO',
    usageLocation: 'NL',
    assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
  });
  graph.tenant.addUser({
    userPrincipalName: 'ben@contoso.com',
    displayName: 'Ben Bright',
    department: 'Sales',
    businessPhones: ['+31 20 555 0100'],
    otherMails: ['ben@example.com'],
  });
});
afterEach(async () => {
  await db.destroy();
  await graph.close();
});

const input = (overrides: Partial<{ tenant: string; clientId: string; clientSecret: string }> = {}) => ({
  tenant: graph.tenant.id,
  clientId: app.clientId,
  clientSecret: app.secret,
  ...overrides,
});

describe('connecting an organization to a Microsoft 365 tenant', () => {
  it('checks the tenant, says what will happen, connects, and the first sync mirrors users, licenses, seats and domains', async () => {
    const checked = await checkConnection(db.ctx, OWNER, db.runtime.secretKey(), input({ tenant: 'Contoso.onmicrosoft.com' }));
    expect(checked, JSON.stringify(checked)).toMatchObject({ ok: true });
    if (!checked.ok) return;
    expect(checked.plan).toMatchObject({
      tenantName: 'Contoso Ltd',
      microsoftTenantId: graph.tenant.id,
      domains: ['contoso.onmicrosoft.com', 'contoso.com'],
      products: 1,
      users: { matched: 1, leftOutCount: 0, globalAdminsKept: 1 },
    });
    const confirmed = await confirmConnection(db.ctx, OWNER, { checkedAt: checked.plan.checkedAt, missing: null });
    expect(confirmed).toMatchObject({ ok: true, tenantName: 'Contoso Ltd' });
    if (!confirmed.ok) return;
    const sync = await db.runtime.jobs.runNow(confirmed.syncJobId!);
    expect(sync.status, sync.error ?? '').toBe('succeeded');
    const users = await db.db.selectFrom('DirectoryUser').selectAll().where('deletedAt', 'is', null).orderBy('userPrincipalName').execute();
    expect(users.map((u) => [u.userPrincipalName, u.displayName, u.externalId !== null])).toEqual([
      ['ben@contoso.com', 'Ben Bright', true],
      [admin, 'Olivia Owner (tenant)', true],
    ]);
    const ben = users[0]!;
    expect(ben).toMatchObject({
      department: 'Sales',
      officePhone: '+31 20 555 0100',
      alternateEmail: 'ben@example.com',
      domain: 'contoso.com',
      passwordHash: '',
    });
    // The admin of Roster's own directory is now the tenant's user: Slack link and role kept.
    const olivia = users[1]!;
    expect(olivia).toMatchObject({ slackUserId: OWNER.slackUserId, jobTitle: 'CEO', mailbox: 'active' });
    expect(await countRows(db.db, 'RoleAssignment', (q) => q.where('userId', '=', olivia.id).where('role', '=', 'global_admin'))).toBe(1);
    const licenses = await listLicenses(db.ctx, OWNER);
    expect(licenses.ok && licenses.licenses.map((l) => [l.product.partNumber, l.total, l.assigned])).toEqual([[BASIC.partNumber, 25, 1]]);
    const domains = await db.db.selectFrom('Domain').select(['name', 'isInitial', 'isDefault']).orderBy('name').execute();
    expect(domains).toEqual([
      { name: 'contoso.com', isInitial: 0, isDefault: 1 },
      { name: 'contoso.onmicrosoft.com', isInitial: 1, isDefault: 0 },
    ]);
    const status = await connectionStatus(db.ctx, OWNER);
    expect(status.ok && status.connection).toMatchObject({
      tenantName: 'Contoso Ltd',
      lastSyncError: null,
      lastSyncCounts: { users: 2, added: 1, changed: 1, products: 1, domains: 2 },
    });
    expect(status.ok && status.connection?.lastSyncAt).toBeInstanceOf(Date);
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'tenant.connect'))).toBe(1);
  });

  it('says exactly what failed: a wrong secret, an unknown tenant, an unknown client id, a missing permission (named)', async () => {
    const key = db.runtime.secretKey();
    const wrong = await checkConnection(db.ctx, OWNER, key, input({ clientSecret: 'not~the~secret' }));
    expect(wrong).toMatchObject({ ok: false, fields: [{ field: 'clientSecret' }] });
    expect(!wrong.ok && wrong.message).toMatch(/refused the client secret \(AADSTS7000215\).*Value \(not its Secret ID\)/);
    const tenant = await checkConnection(db.ctx, OWNER, key, input({ tenant: 'fabrikam.onmicrosoft.com' }));
    expect(tenant).toMatchObject({ ok: false, fields: [{ field: 'tenant' }] });
    expect(!tenant.ok && tenant.message).toMatch(/no tenant by that name \(AADSTS90002\)/);
    const client = await checkConnection(db.ctx, OWNER, key, input({ clientId: '0f0f0f0f-1111-2222-3333-444444444444' }));
    expect(client).toMatchObject({ ok: false, fields: [{ field: 'clientId' }] });
    graph.setPermissions(app.clientId, ['User.Read.All', 'Organization.Read.All']);
    const domains = await checkConnection(db.ctx, OWNER, key, input());
    expect(!domains.ok && domains.message).toMatch(/^The app lacks the Domain\.Read\.All permission \(application\) in Contoso Ltd\. .*Grant admin consent\.$/);
    graph.setPermissions(app.clientId, ['Organization.Read.All', 'Domain.Read.All']);
    const users = await checkConnection(db.ctx, OWNER, key, input());
    expect(!users.ok && users.message).toMatch(/lacks the User\.Read\.All permission/);
    const typo = await checkConnection(db.ctx, OWNER, key, input({ tenant: 'not a tenant', clientId: 'abc' }));
    expect(typo).toMatchObject({ ok: false, code: 'invalid_input', fields: [{ field: 'tenant' }, { field: 'clientId' }] });
    expect(await countRows(db.db, 'DirectoryConnection')).toBe(0);
  });

  it('keeps the secret sealed: never in the database in clear, in a log or in an error', async () => {
    await connectToFake(db, OWNER, graph, app);
    await checkConnection(db.ctx, OWNER, db.runtime.secretKey(), input({ clientSecret: `${app.secret}x` }));
    const bytes = Buffer.concat([readFileSync(db.url.replace('file:', '')), readFileSync(`${db.url.replace('file:', '')}-wal`, { flag: 'a+' })]);
    expect(bytes.includes(Buffer.from(app.secret))).toBe(false);
    expect(logs.join('\n')).not.toContain(app.secret);
    const stored = await db.db.selectFrom('DirectoryConnection').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(app.secret);
  });

  it('lists the users not in the tenant and connects only once the admin agrees to leave them out; the first sync deletes them', async () => {
    const zed = await makeUser(db.ctx, 'zed');
    const checked = await checkConnection(db.ctx, OWNER, db.runtime.secretKey(), input());
    expect(checked.ok && checked.plan.users).toMatchObject({ matched: 1, leftOutCount: 1, leftOut: [{ userPrincipalName: zed.upn, isGlobalAdmin: false }] });
    if (!checked.ok) return;
    const refused = await confirmConnection(db.ctx, OWNER, { checkedAt: checked.plan.checkedAt, missing: null });
    expect(refused).toMatchObject({ ok: false, fields: [{ field: 'missing' }] });
    const confirmed = await confirmConnection(db.ctx, OWNER, { checkedAt: checked.plan.checkedAt, missing: 'leave_out' });
    if (!confirmed.ok) throw new Error(confirmed.message);
    expect((await db.runtime.jobs.runNow(confirmed.syncJobId!)).status).toBe('succeeded');
    const row = await db.db.selectFrom('DirectoryUser').select(['deletedAt', 'externalId']).where('id', '=', zed.id).executeTakeFirstOrThrow();
    expect(row.deletedAt).not.toBeNull();
    expect(row.externalId).toBeNull();
  });

  it("refuses what would take the connecting admin's own roles away, or leave no Global admin", async () => {
    graph.tenant.purgeUser(admin);
    const own = await checkConnection(db.ctx, OWNER, db.runtime.secretKey(), input());
    expect(!own.ok && own.message).toMatch(/^Your own user in Roster is not in Contoso Ltd/);
    const cli = await checkConnection(db.ctx, { teamId: OWNER.teamId, operator: 'kim', roles: ['global_admin'] }, db.runtime.secretKey(), input());
    expect(!cli.ok && cli.message).toMatch(/None of Contoso's Global admins who can sign in is in Contoso Ltd/);
  });

  it('only a Global admin connects; a confirmation replaced by a newer check is refused', async () => {
    const helpdesk = await makeUser(db.ctx, 'hank', { roles: ['helpdesk_admin'], slackUserId: 'U0HANK' });
    graph.tenant.addUser({ userPrincipalName: helpdesk.upn });
    const refused = await checkConnection(db.ctx, { teamId: OWNER.teamId, slackUserId: 'U0HANK' }, db.runtime.secretKey(), input());
    expect(refused).toMatchObject({ ok: false, code: 'forbidden' });
    const first = await checkConnection(db.ctx, OWNER, db.runtime.secretKey(), input());
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await checkConnection(db.ctx, OWNER, db.runtime.secretKey(), input());
    if (!first.ok || !second.ok) throw new Error('checks failed');
    expect(await confirmConnection(db.ctx, OWNER, { checkedAt: first.plan.checkedAt, missing: 'leave_out' })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await confirmConnection(db.ctx, OWNER, { checkedAt: second.plan.checkedAt, missing: 'leave_out' })).toMatchObject({ ok: true });
  });
});

describe('a connected organization', () => {
  it('sends changes to the tenant, which refuses them while the app may only read (the permission named); domains are changed in the admin center', async () => {
    await connectToFake(db, OWNER, graph, app);
    const added = await addUser(db.ctx, OWNER, { displayName: 'New One', alias: 'new', domain: 'contoso.com', password: { mode: 'auto' } });
    expect(added).toMatchObject({ ok: false, code: 'forbidden' });
    expect(added.ok ? '' : added.message).toContain('The app lacks the User.ReadWrite.All permission (application) in Contoso Ltd');
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'new'))).toBe(0);
    expect(await changeDomain(db.ctx, OWNER, 'add', 'fabrikam.com')).toMatchObject({ ok: false, code: 'unsupported', message: CONNECTED_READ_ONLY });
  });

  it("shows its tenant and last sync, and disconnects: the secret goes, the users stay as Roster's own directory", async () => {
    await connectToFake(db, OWNER, graph, app);
    const disconnected = await disconnectOrganization(db.ctx, OWNER);
    expect(disconnected).toMatchObject({ ok: true, tenantName: 'Contoso Ltd' });
    expect(await countRows(db.db, 'DirectoryConnection')).toBe(0);
    const status = await connectionStatus(db.ctx, OWNER);
    expect(status).toMatchObject({ ok: true, connection: null });
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('deletedAt', 'is', null))).toBe(2);
    expect(await disconnectOrganization(db.ctx, OWNER)).toMatchObject({ ok: false, code: 'not_found' });
    const added = await makeUser(db.ctx, 'after', { domain: 'contoso.com' });
    expect(added.upn).toBe('after@contoso.com');
  });
});
