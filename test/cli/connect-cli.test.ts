import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASIC } from '../lifecycle/helpers.js';
import { fakeGraphOptions } from '../support/connected-tenant.js';
import { startFakeGraph, type FakeApp, type FakeGraph } from '../support/fake-graph.js';
import { rosterCli } from '../support/run-cli.js';
import { countRows, createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';

let graph: FakeGraph;
let app: FakeApp;
let db: TestDatabase;
let dir: string;
let secretFile: string;

beforeAll(async () => {
  graph = await startFakeGraph({ displayName: 'Contoso Ltd' });
  app = graph.registerApp();
  db = await createTestDatabase(undefined, { graph: fakeGraphOptions(graph) });
  const { admin } = await seedTenant(db.ctx);
  graph.tenant.addSku({ skuId: BASIC.skuId, skuPartNumber: BASIC.partNumber, enabled: 3 });
  graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName, assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
  graph.tenant.addUser({ userPrincipalName: 'ben@contoso.onmicrosoft.com', displayName: 'Ben Bright' });
  dir = mkdtempSync(path.join(tmpdir(), 'roster-connect-'));
  secretFile = path.join(dir, 'secret.txt');
  writeFileSync(secretFile, `${app.secret}\n`, { mode: 0o600 });
});
afterAll(async () => {
  await db.destroy();
  await graph.close();
  rmSync(dir, { recursive: true, force: true });
});

const roster = (...args: string[]) => rosterCli(db, { MICROSOFT_GRAPH_URL: graph.graphUrl, MICROSOFT_LOGIN_URL: graph.loginUrl })(...args);

describe('roster connect, sync and disconnect', () => {
  it('names the option a wrong value came from, and never prints the secret', async () => {
    const wrongFile = path.join(dir, 'wrong.txt');
    writeFileSync(wrongFile, 'not-the-secret');
    const wrong = await roster('connect', '--tenant', graph.tenant.id, '--client-id', app.clientId, '--client-secret-file', wrongFile);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: Microsoft refused the client secret \(AADSTS7000215\)/);
    const tenant = await roster('connect', '--tenant', 'fabrikam.onmicrosoft.com', '--client-id', app.clientId, '--client-secret-file', secretFile);
    expect(tenant.stderr).toMatch(/AADSTS90002/);
    expect(tenant.stderr).toMatch(/--tenant: No such tenant/);
    const missing = await roster('connect', '--tenant', graph.tenant.id);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/needs --client-id and --client-secret-file/)]);
    for (const run of [wrong, tenant, missing]) expect(run.stdout + run.stderr).not.toContain(app.secret);
  });

  it('prints the plan, connects, runs the first sync, shows the status; then sync and disconnect', async () => {
    expect((await roster('connect', '--status')).stdout).toMatch(/Contoso: Roster's own directory \(not connected to Microsoft 365\)\./);
    const dry = await roster('connect', '--tenant', graph.tenant.id, '--client-id', app.clientId, '--client-secret-file', secretFile, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Users of Roster's directory found in the tenant by username: 1 /);
    expect(dry.stdout).toContain('(dry run) Nothing was connected.');
    expect(await countRows(db.db, 'DirectoryConnection')).toBe(0);
    const connected = await roster('connect', '--tenant', graph.tenant.id, '--client-id', app.clientId, '--client-secret-file', secretFile);
    expect(connected.stderr).toBe('');
    expect(connected.code).toBe(0);
    expect(connected.stdout).toContain('Connected Contoso to Contoso Ltd.');
    expect(connected.stdout).toMatch(/Synced: 2 users read \(1 added, 1 changed, 0 removed\), 1 products, 1 domains\./);
    expect(connected.stdout).not.toContain(app.secret);
    const status = JSON.parse((await roster('connect', '--status', '--output', 'json')).stdout) as Record<string, unknown>[];
    expect(status[0]).toMatchObject({
      organization: 'Contoso Ltd',
      directory: 'microsoft365',
      tenantId: graph.tenant.id,
      clientId: app.clientId,
      lastSyncError: null,
      adminRoles: 'not_read',
      adminRolesReadAt: null,
      adminRolesMissing: 'RoleManagement.Read.Directory',
      signInReadAt: null,
      signInProblem: expect.stringContaining('the app lacks the AuditLog.Read.All permission (application)'),
    });
    const said = (await roster('connect', '--status')).stdout;
    expect(said).toContain(
      "  admin roles: not read: the app lacks RoleManagement.Read.Directory (or Directory.Read.All). Roster's own roles apply until it is granted (with admin consent) and a sync reads them\n",
    );
    expect(said).toContain('  sign-in activity: not read: the app lacks the AuditLog.Read.All permission');
    const again = await roster('connect', '--tenant', graph.tenant.id, '--client-id', app.clientId, '--client-secret-file', secretFile);
    expect(again.stderr).toMatch(/is connected to Contoso Ltd already/);

    graph.tenant.addUser({ userPrincipalName: 'cy@contoso.onmicrosoft.com' });
    const synced = await roster('sync');
    expect([synced.code, synced.stdout.trim()]).toEqual([0, 'Synced: 1 users read (1 added, 0 changed, 0 removed), 1 products, 1 domains.']);
    const jobs = JSON.parse((await roster('jobs', '--output', 'json')).stdout) as { what: string; status: string; progress: string }[];
    expect(jobs.filter((j) => j.what === 'Sync with Microsoft 365').map((j) => [j.status, j.progress])).toEqual([
      ['succeeded', '1 users read'],
      ['succeeded', '2 users read'],
    ]);
    // A change goes to the tenant, which refuses an app that may only read: the permission is named.
    const refused = await roster('users', 'block', 'ben');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('The app lacks the User.ReadWrite.All permission (application) in Contoso Ltd');
    const buy = await roster('licenses', 'buy', BASIC.partNumber, '2');
    expect(buy.code).toBe(1);
    expect(buy.stderr).toContain('cannot be bought through Microsoft Graph');

    const gone = await roster('disconnect');
    expect([gone.code, gone.stdout.trim()]).toEqual([
      0,
      'Disconnected from Contoso Ltd: its users stay in Roster as its own directory; nothing changed in the tenant.',
    ]);
    expect((await roster('sync')).stderr).toMatch(/is not connected to Microsoft 365/);
    expect((await roster('users', 'block', 'ben')).code).toBe(0);
  });
});
