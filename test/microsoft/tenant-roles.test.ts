import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorize } from '../../src/core/access/authorize.js';
import { checkConnection } from '../../src/core/microsoft/connect-organization.js';
import { linkMemberByHand, linkMembersByEmail } from '../../src/core/microsoft/link-members.js';
import { connectionStatus } from '../../src/core/microsoft/connection-status.js';
import { requestSync } from '../../src/core/microsoft/sync-request.js';
import { connectionMessage } from '../../src/slack/views/connect-views.js';
import { blockUser } from '../../src/core/users/block-user.js';
import { createLogger } from '../../src/log.js';
import { fakeGraphOptions } from '../support/connected-tenant.js';
import { startFakeGraph } from '../support/fake-graph.js';
import { createTestDatabase, OWNER, seedTenant } from '../support/test-db.js';
import { connectedWorld, WRITE_PERMISSIONS, type ConnectedWorld } from './tenant-support.js';

/** Issue 16 item 6: who may do what follows the tenant. */
const GLOBAL = '62e90394-69f5-4237-9190-012177145e10';
const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const READ_ROLES = [...WRITE_PERMISSIONS, 'RoleManagement.Read.Directory'];

let w: ConnectedWorld;
beforeEach(async () => {
  w = await connectedWorld({ permissions: READ_ROLES });
});
afterEach(async () => w.close());

async function syncNow() {
  const asked = await requestSync(w.db.ctx, OWNER);
  if (!asked.ok) throw new Error(asked.message);
  const ended = await w.db.runtime.jobs.runNow(asked.jobId);
  expect(ended.status, ended.error ?? '').toBe('succeeded');
}

const rolesOf = async (upn: string) =>
  (
    await w.db.db
      .selectFrom('RoleAssignment')
      .innerJoin('DirectoryUser', 'DirectoryUser.id', 'RoleAssignment.userId')
      .select('role')
      .where('DirectoryUser.upnKey', '=', upn.toLowerCase())
      .execute()
  ).map((r) => r.role);

describe('roles follow the tenant', () => {
  it("a Slack member linked by their email takes their user's Entra roles, read at each sync", async () => {
    w.graph.tenant.assignRole(w.admin, GLOBAL);
    w.graph.tenant.addUser({ userPrincipalName: 'hal@contoso.com', displayName: 'Hal Helpdesk', mail: 'hal.helpdesk@contoso.com' });
    w.graph.tenant.assignRole('hal@contoso.com', HELPDESK);
    // A role in an administrative unit only is not a tenant-wide admin role.
    w.graph.tenant.assignRole('hal@contoso.com', GLOBAL, '/administrativeUnits/1234');
    await syncNow();
    expect(await rolesOf('hal@contoso.com')).toEqual(['helpdesk_admin']);
    expect(await rolesOf(w.admin)).toEqual(['global_admin']);

    // Hal's Slack email is his mail, not his username: linked all the same.
    const hal = { teamId: OWNER.teamId, slackUserId: 'U0HAL' };
    expect(await authorize(w.db.ctx, hal, 'block_users')).toMatchObject({ ok: false });
    expect(await linkMembersByEmail(w.db.ctx, OWNER.teamId, [{ slackUserId: 'U0HAL', email: 'Hal.Helpdesk@contoso.com' }])).toBe(1);
    expect(await authorize(w.db.ctx, hal, 'block_users')).toMatchObject({ ok: true, roles: ['helpdesk_admin'] });
    // Linked once: a second pass links nobody again.
    expect(await linkMembersByEmail(w.db.ctx, OWNER.teamId, [{ slackUserId: 'U0HAL', email: 'hal.helpdesk@contoso.com' }])).toBe(0);

    // The role taken away in Entra: gone in Roster after the next sync.
    w.graph.tenant.unassignRole('hal@contoso.com', HELPDESK);
    await syncNow();
    expect(await rolesOf('hal@contoso.com')).toEqual([]);
    const refused = await blockUser(w.db.ctx, hal, { username: w.admin });
    expect(refused).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('a Global admin links a member by hand, and unlinks them; a member linked to another user is refused', async () => {
    w.graph.tenant.addUser({ userPrincipalName: 'ivy@contoso.com', displayName: 'Ivy' });
    w.graph.tenant.addUser({ userPrincipalName: 'joe@contoso.com', displayName: 'Joe' });
    await syncNow();
    expect(await linkMemberByHand(w.db.ctx, OWNER, { username: 'ivy@contoso.com', slackUserId: 'U0IVY' })).toMatchObject({ ok: true });
    expect(await linkMemberByHand(w.db.ctx, OWNER, { username: 'joe@contoso.com', slackUserId: 'U0IVY' })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await linkMemberByHand(w.db.ctx, OWNER, { username: 'ivy@contoso.com', slackUserId: null })).toMatchObject({ ok: true, slackUserId: null });
    expect(await linkMemberByHand(w.db.ctx, OWNER, { username: 'joe@contoso.com', slackUserId: 'U0IVY' })).toMatchObject({ ok: true });
    const hank = { teamId: OWNER.teamId, slackUserId: 'U0IVY' };
    expect(await linkMemberByHand(w.db.ctx, hank, { username: 'joe@contoso.com', slackUserId: null })).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('without RoleManagement.Read.Directory the roles stay as they are in Roster', async () => {
    w.graph.setPermissions(w.app.clientId, WRITE_PERMISSIONS);
    await syncNow();
    expect(await rolesOf(w.admin)).toEqual(['global_admin']);
  });
});

describe('whether the roles are read, as /users connect and roster connect --status say', () => {
  const connection = async () => {
    const status = await connectionStatus(w.db.ctx, OWNER);
    if (!status.ok || !status.connection) throw new Error('not connected');
    return status.connection;
  };
  const syncedAt = async () => (await w.db.db.selectFrom('DirectoryConnection').select('lastSyncAt').executeTakeFirstOrThrow()).lastSyncAt;
  const roster = async (...args: string[]) => {
    const { rosterCli } = await import('../support/run-cli.js');
    return rosterCli(w.db, { MICROSOFT_GRAPH_URL: w.graph.graphUrl, MICROSOFT_LOGIN_URL: w.graph.loginUrl })(...args);
  };

  it('read at each sync: when last; then, the permission taken away, not read and why, the roles as last read kept', async () => {
    const read = await connection();
    expect(read.adminRoles).toEqual({ state: 'read', at: read.lastSyncAt });
    const at = new Date(String(await syncedAt()));
    const slack = JSON.stringify(connectionMessage('Contoso', read, true).blocks);
    expect(slack).toContain(`*Admin roles:* read from the tenant at each sync (last read <!date^${Math.floor(at.getTime() / 1000)}^`);
    const cli = await roster('connect', '--status');
    expect(cli.stdout).toContain(`  admin roles: read from the tenant at each sync (last read ${at.toISOString()})\n`);

    w.graph.setPermissions(w.app.clientId, WRITE_PERMISSIONS);
    await syncNow();
    const unread = await connection();
    expect(unread.adminRoles).toEqual({ state: 'unread', missing: 'RoleManagement.Read.Directory', lastReadAt: at });
    expect(JSON.stringify(connectionMessage('Contoso', unread, true).blocks)).toContain(
      '*Admin roles:* not read at the last sync: the app lacks RoleManagement.Read.Directory (or Directory.Read.All). The roles as read on <!date^',
    );
    const json = JSON.parse((await roster('connect', '--status', '--output', 'json')).stdout) as Record<string, unknown>[];
    expect(json[0]).toMatchObject({ adminRoles: 'not_read', adminRolesReadAt: at.toISOString(), adminRolesMissing: 'RoleManagement.Read.Directory' });
    // Directory.Read.All reads them too.
    w.graph.setPermissions(w.app.clientId, [...WRITE_PERMISSIONS, 'Directory.Read.All']);
    await syncNow();
    expect((await connection()).adminRoles).toMatchObject({ state: 'read' });
  });

  it("never read when the app never could: Roster's own roles apply, and it says so", async () => {
    const plain = await connectedWorld();
    try {
      const status = await connectionStatus(plain.db.ctx, OWNER);
      const c = status.ok ? status.connection : null;
      expect(c?.adminRoles).toEqual({ state: 'unread', missing: 'RoleManagement.Read.Directory', lastReadAt: null });
      expect(JSON.stringify(connectionMessage('Contoso', c!, true).blocks)).toContain(
        "*Admin roles:* not read: the app lacks RoleManagement.Read.Directory (or Directory.Read.All). Roster's own roles apply until it is granted (with admin consent) and a sync reads them.",
      );
    } finally {
      await plain.close();
    }
  });
});

describe('connecting when roles follow the tenant', () => {
  it('is refused to an admin who is not a Global Administrator in the tenant: it would take their own role away', async () => {
    const graph = await startFakeGraph({ displayName: 'Contoso Ltd' });
    const app = graph.registerApp({ permissions: READ_ROLES });
    const db = await createTestDatabase(undefined, { graph: fakeGraphOptions(graph), logger: createLogger('error', () => undefined) });
    try {
      const { admin } = await seedTenant(db.ctx);
      graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName });
      const input = { tenant: graph.tenant.id, clientId: app.clientId, clientSecret: app.secret };
      const refused = await checkConnection(db.ctx, OWNER, db.runtime.secretKey(), input);
      expect(refused).toMatchObject({ ok: false, code: 'conflict' });
      expect(refused.ok ? '' : refused.message).toContain('Your user is not a Global Administrator in Contoso Ltd');
      graph.tenant.assignRole(admin.userPrincipalName, GLOBAL);
      expect(await checkConnection(db.ctx, OWNER, db.runtime.secretKey(), input)).toMatchObject({ ok: true });
    } finally {
      await db.destroy();
      await graph.close();
    }
  });
});

describe('roster users link', () => {
  it('links and unlinks by hand at the command line; a value that is no member id is a usage error', async () => {
    const { rosterCli } = await import('../support/run-cli.js');
    const roster = rosterCli(w.db, { MICROSOFT_GRAPH_URL: w.graph.graphUrl, MICROSOFT_LOGIN_URL: w.graph.loginUrl });
    w.graph.tenant.addUser({ userPrincipalName: 'liv@contoso.com', displayName: 'Liv' });
    await syncNow();
    const linked = await roster('users', 'link', 'liv@contoso.com', 'U0LIV');
    expect([linked.code, linked.stdout.trim()]).toEqual([0, 'liv@contoso.com is now the Slack member U0LIV.']);
    expect((await roster('users', 'link', 'liv@contoso.com', 'nobody')).code).toBe(2);
    const unlinked = await roster('users', 'link', 'liv@contoso.com', 'none');
    expect([unlinked.code, unlinked.stdout.trim()]).toEqual([0, 'liv@contoso.com is linked to no Slack member now.']);
  });
});
