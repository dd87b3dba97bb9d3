import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser } from '../lifecycle/helpers.js';
import { GLOBAL_ADMINISTRATOR, WRITE_PERMISSIONS } from '../microsoft/tenant-support.js';
import { fakeGraphOptions } from '../support/connected-tenant.js';
import { startFakeGraph, type FakeApp, type FakeGraph } from '../support/fake-graph.js';
import { rosterCli } from '../support/run-cli.js';
import { createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';

// roster connect --create-missing: the users of Roster's directory not in the tenant are made there,
// each new temporary password printed once; --leave-out and --create-missing do not go together.
let graph: FakeGraph;
let app: FakeApp;
let db: TestDatabase;
let dir: string;
let secretFile: string;
let ana = '';

beforeAll(async () => {
  graph = await startFakeGraph({ displayName: 'Contoso Ltd' });
  app = graph.registerApp({ permissions: WRITE_PERMISSIONS, roles: ['User Administrator'] });
  db = await createTestDatabase(undefined, { graph: fakeGraphOptions(graph) });
  const { admin } = await seedTenant(db.ctx);
  ana = (await makeUser(db.ctx, 'ana')).upn;
  graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName });
  graph.tenant.assignRole(admin.userPrincipalName, GLOBAL_ADMINISTRATOR);
  dir = mkdtempSync(path.join(tmpdir(), 'roster-connect-create-'));
  secretFile = path.join(dir, 'secret.txt');
  writeFileSync(secretFile, `${app.secret}\n`, { mode: 0o600 });
});
afterAll(async () => {
  await db.destroy();
  await graph.close();
  rmSync(dir, { recursive: true, force: true });
});

const roster = (...args: string[]) => rosterCli(db, { MICROSOFT_GRAPH_URL: graph.graphUrl, MICROSOFT_LOGIN_URL: graph.loginUrl })(...args);
const connect = (...more: string[]) => roster('connect', '--tenant', graph.tenant.id, '--client-id', app.clientId, '--client-secret-file', secretFile, ...more);

describe('roster connect --create-missing', () => {
  it('asks for a choice, refuses both at once, then creates the users there, prints each password once and syncs', async () => {
    const unsaid = await connect();
    expect([unsaid.code, unsaid.stderr]).toEqual([
      1,
      expect.stringContaining('Run again with --create-missing to create them in the tenant, or with --leave-out'),
    ]);
    const both = await connect('--create-missing', '--leave-out');
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('--create-missing and --leave-out cannot go together')]);

    const done = await connect('--create-missing');
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    const made = graph.tenant.holderOf(ana)!;
    const password = (graph.calls().find((c) => c.method === 'POST' && c.path === '/v1.0/users')!.body as { passwordProfile: { password: string } })
      .passwordProfile.password;
    expect(done.stdout).toContain(`created      ${ana}  temporary password (shown once, changed at first sign-in): ${password}`);
    expect(done.stdout).toContain('Created 1 users in Contoso Ltd (0 without their licenses); 0 not created.');
    expect(done.stdout).toMatch(/Synced: 2 users read \(0 added, 2 changed, 0 removed\)/);
    const row = await db.db.selectFrom('DirectoryUser').select(['externalId', 'deletedAt']).where('upnKey', '=', ana).executeTakeFirstOrThrow();
    expect(row).toEqual({ externalId: made.user.id, deletedAt: null });
    const jobs = JSON.parse((await roster('jobs', '--output', 'json')).stdout) as { what: string; status: string }[];
    expect(jobs.filter((j) => j.what === 'Create users in Microsoft 365 (connect)').map((j) => j.status)).toEqual(['succeeded']);
  });
});
