import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANAGERS_AFTER_TENANT_IMPORT } from '../../src/core/bulk/tenant-row-checks.js';
import { verifyImport } from '../../src/core/bulk/verify-import.js';
import { ADMIN_CENTER_2024_FIELDS, adminCenterHeaderLine } from '../../src/core/import/admin-center-layout.js';
import { requestSync } from '../../src/core/microsoft/sync-request.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { editManyUsers } from '../../src/core/users/edit-many.js';
import { makeUser } from '../lifecycle/helpers.js';
import { OWNER } from '../support/test-db.js';
import { changesAsked, connectedWorld, lastBody, type ConnectedWorld } from './tenant-support.js';

/** docs/domain.md "Managers" on a connected organization: Graph's manager reference, sent first and read back by the sync. */
let w: ConnectedWorld;
let ana: { id: string; upn: string; externalId: string };
let ben: { id: string; upn: string; externalId: string };

beforeEach(async () => {
  w = await connectedWorld();
  const made = async (alias: string) => {
    const user = await makeUser(w.db.ctx, alias, { domain: 'contoso.com' });
    return { ...user, externalId: w.graph.tenant.find(user.upn)!.user.id };
  };
  ana = await made('ana');
  ben = await made('ben');
});
afterEach(async () => w.close());

const managerIdOf = async (id: string) =>
  (await w.db.db.selectFrom('DirectoryUser').select('managerId').where('id', '=', id).executeTakeFirstOrThrow()).managerId;

async function syncNow() {
  const asked = await requestSync(w.db.ctx, OWNER);
  if (!asked.ok) throw new Error(asked.message);
  const ended = await w.db.runtime.jobs.runNow(asked.jobId);
  expect(ended.status).toBe('succeeded');
}

describe('the manager of a user of a connected organization', () => {
  it('is set with PUT manager/$ref naming the manager by @odata.id, and removed with DELETE, each recorded once the tenant accepted', async () => {
    const before = w.graph.calls().length;
    const set = await editUser(w.db.ctx, OWNER, { userId: ana.id }, { manager: { userId: ben.id } });
    expect(set.ok, set.ok ? '' : set.message).toBe(true);
    expect(changesAsked(w.graph, before)).toEqual([`PUT /users/${ana.externalId}/manager/$ref 204`]);
    expect(lastBody(w.graph, `PUT /users/${ana.externalId}/manager/$ref`)).toEqual({
      '@odata.id': `https://graph.microsoft.com/v1.0/users/${ben.externalId}`,
    });
    expect(w.graph.tenant.managerOf(ana.externalId)).toBe(ben.externalId);
    expect(await managerIdOf(ana.id)).toBe(ben.id);

    const between = w.graph.calls().length;
    const removed = await editUser(w.db.ctx, OWNER, { userId: ana.id }, { manager: null });
    expect(removed.ok).toBe(true);
    expect(changesAsked(w.graph, between)).toEqual([`DELETE /users/${ana.externalId}/manager/$ref 204`]);
    expect(w.graph.tenant.managerOf(ana.externalId)).toBeNull();
    expect(await managerIdOf(ana.id)).toBeNull();
  });

  it('sends a manager change with other fields: the PATCH first, then the reference', async () => {
    const before = w.graph.calls().length;
    const edited = await editUser(w.db.ctx, OWNER, { userId: ana.id }, { detailsPatch: { department: 'Sales' }, manager: { username: ben.upn } });
    expect(edited).toMatchObject({ ok: true, changedFields: ['department', 'manager'] });
    expect(changesAsked(w.graph, before)).toEqual([`PATCH /users/${ana.externalId} 204`, `PUT /users/${ana.externalId}/manager/$ref 204`]);
  });

  it('Edit many sends the references of several users in a JSON batch', async () => {
    const admin = await w.db.db.selectFrom('DirectoryUser').select(['id', 'externalId']).where('upnKey', '=', w.admin.toLowerCase()).executeTakeFirstOrThrow();
    const before = w.graph.calls().length;
    const done = await editManyUsers(w.db.ctx, OWNER, { userIds: [ana.id, ben.id], manager: { userId: admin.id }, licenses: { mode: 'keep' } });
    expect(done.ok && done.counts.done).toBe(2);
    expect(
      w.graph
        .calls()
        .slice(before)
        .some((c) => c.path.endsWith('/$batch')),
    ).toBe(true);
    expect([w.graph.tenant.managerOf(ana.externalId), w.graph.tenant.managerOf(ben.externalId)]).toEqual([admin.externalId, admin.externalId]);
    expect([await managerIdOf(ana.id), await managerIdOf(ben.id)]).toEqual([admin.id, admin.id]);
  });

  it('a manager removed from the tenant meanwhile is refused in the tenant’s words, and nothing is recorded', async () => {
    w.graph.tenant.deleteUser(ben.externalId);
    const refused = await editUser(w.db.ctx, OWNER, { userId: ana.id }, { manager: { userId: ben.id } });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.fields?.find((f) => f.field === 'manager')?.message).toMatch(/no longer has .* or the manager chosen/);
    expect(await managerIdOf(ana.id)).toBeNull();
  });

  it('the sync reads managers set in the admin center (manager@delta), a manager read after their report included, and their removal', async () => {
    const cy = w.graph.tenant.addUser({ userPrincipalName: 'cy@contoso.com', displayName: 'Cy' });
    // Ana reports to Cy, whom the mirror does not know yet and who comes on a later page.
    w.graph.setPageSize(1);
    w.graph.tenant.setManager(ana.externalId, cy.id);
    w.graph.tenant.setManager(ben.externalId, ana.externalId);
    await syncNow();
    const cyId = (await w.db.db.selectFrom('DirectoryUser').select('id').where('externalId', '=', cy.id).executeTakeFirstOrThrow()).id;
    expect(await managerIdOf(ana.id)).toBe(cyId);
    expect(await managerIdOf(ben.id)).toBe(ana.id);
    // The deltaLink round: only the change; the manager removed there is removed here.
    w.graph.tenant.setManager(ben.externalId, null);
    await syncNow();
    expect(await managerIdOf(ben.id)).toBeNull();
    expect(await managerIdOf(ana.id)).toBe(cyId);
  });

  it('an import into the connected tenant does not take a Manager column: its rows say to set managers afterwards', async () => {
    const dir = path.dirname(w.db.url.slice('file:'.length));
    const file = path.join(dir, 'with-manager.csv');
    const blanks = Array(ADMIN_CENTER_2024_FIELDS.length - 4).fill('');
    writeFileSync(
      file,
      [[...adminCenterHeaderLine('admin-center-2024'), 'Manager'].join(','), ['dan@contoso.com', 'Dan', 'Test', 'Dan Test', ...blanks, ana.upn].join(',')].join(
        '\r\n',
      ),
    );
    const preview = await verifyImport(w.db.ctx, OWNER, { path: file, fileName: 'with-manager.csv', fileId: null });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.preview.rowsReady).toBe(0);
    expect(JSON.stringify(preview.preview.firstProblems)).toContain(MANAGERS_AFTER_TENANT_IMPORT);
  });

  it('the sync asks for the manager relationship with the users', async () => {
    await syncNow();
    const delta = w.graph
      .calls()
      .filter((c) => c.method === 'GET' && c.path.includes('/users/delta'))
      .at(-1);
    expect(delta?.path).toMatch(/manager/);
  });
});
