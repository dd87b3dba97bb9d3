import { afterEach, beforeEach, expect, it } from 'vitest';
import { addUser } from '../../src/core/users/add-user.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { editManyUsers } from '../../src/core/users/edit-many.js';
import { exportUsers } from '../../src/core/views/export-users.js';
import { listUsers } from '../../src/core/views/list-users.js';
import { saveCustomView } from '../../src/core/views/save-custom-view.js';
import { purgeDeletedUser } from '../../src/core/users/purge-user.js';
import { showUser } from '../../src/core/users/show-user.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { setUserSource } from '../../src/store/user-edits.js';
import type { MemberActor } from '../../src/core/context.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { ACTORS, makeRoleHolders, makeUser, newUser } from './user-admin-fixture.js';

/** docs/domain.md "Managers": another active user of the same organization, never themselves, never a loop. */
describeOnEachDatabase('a user’s manager', (kind) => {
  let db: TestDatabase;
  const NOW = new Date('2026-12-05T10:00:00Z');
  beforeEach(async () => {
    db = await createTestDatabase(() => NOW, { kind });
    await seedTenant(db.ctx);
  });
  afterEach(async () => db.destroy());

  const managerMessage = (result: { ok: boolean; fields?: { field: string; message: string }[] }) =>
    result.ok ? null : (result.fields ?? []).find((f) => f.field === 'manager')?.message;
  const managerIdOf = async (id: string) =>
    (await db.db.selectFrom('DirectoryUser').select('managerId').where('id', '=', id).executeTakeFirstOrThrow()).managerId;

  it('sets the manager by username, audits the field, and shows it on both users', async () => {
    const ana = await makeUser(db.ctx, 'ana');
    const ben = await makeUser(db.ctx, 'ben');
    const done = await editUser(db.ctx, OWNER, { userId: ana }, { manager: { username: 'ben@contoso.onmicrosoft.com' } });
    expect(done).toMatchObject({ ok: true, changedFields: ['manager'] });
    expect(await managerIdOf(ana)).toBe(ben);
    const audit = await db.db.selectFrom('AuditRecord').select(['changedFields', 'summary']).where('action', '=', 'user.update').execute();
    expect(audit).toEqual([{ changedFields: '["manager"]', summary: 'Edited ana@contoso.onmicrosoft.com: manager' }]);
    const shown = await showUser(db.ctx, OWNER, 'ana');
    expect(shown.ok && shown.user.manager).toMatchObject({ userPrincipalName: 'ben@contoso.onmicrosoft.com', deleted: false });
    const boss = await showUser(db.ctx, OWNER, 'ben');
    expect(boss.ok && boss.user.directReports).toEqual({ count: 1, first: ['ana@contoso.onmicrosoft.com'] });
    // The export names the manager by username in its last column.
    const exported = await exportUsers(db.ctx, OWNER, 'all users');
    if (!exported.ok) throw new Error(exported.message);
    let csv = '';
    for await (const chunk of exported.chunks()) csv += chunk.text;
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]!.endsWith(',License error,Manager')).toBe(true);
    expect(lines.find((l) => l.includes(',ana@contoso.onmicrosoft.com,'))!.endsWith(',ben@contoso.onmicrosoft.com')).toBe(true);
    expect(lines.find((l) => l.includes(',ben@contoso.onmicrosoft.com,'))!.endsWith(',')).toBe(true);
    // The same manager again changes nothing; null removes it.
    expect(await editUser(db.ctx, OWNER, { userId: ana }, { manager: { userId: ben } })).toMatchObject({ ok: true, changedFields: [] });
    expect(await editUser(db.ctx, OWNER, { userId: ana }, { manager: null })).toMatchObject({ ok: true, changedFields: ['manager'] });
    expect(await managerIdOf(ana)).toBeNull();
  });

  it('refuses the user as their own manager', async () => {
    const ana = await makeUser(db.ctx, 'ana');
    const result = await editUser(db.ctx, OWNER, { userId: ana }, { manager: { userId: ana } });
    expect(managerMessage(result)).toBe("A user can't be their own manager.");
    expect(await managerIdOf(ana)).toBeNull();
  });

  it('refuses a loop, directly or through others, naming the chain', async () => {
    const [ana, ben, cy] = [await makeUser(db.ctx, 'ana'), await makeUser(db.ctx, 'ben'), await makeUser(db.ctx, 'cy')];
    expect((await editUser(db.ctx, OWNER, { userId: ben }, { manager: { userId: ana } })).ok).toBe(true);
    expect((await editUser(db.ctx, OWNER, { userId: cy }, { manager: { userId: ben } })).ok).toBe(true);
    const direct = await editUser(db.ctx, OWNER, { userId: ana }, { manager: { userId: ben } });
    expect(managerMessage(direct)).toContain('ben@contoso.onmicrosoft.com reports to ana@contoso.onmicrosoft.com');
    const through = await editUser(db.ctx, OWNER, { userId: ana }, { manager: { username: 'cy' } });
    expect(managerMessage(through)).toBe(
      "cy@contoso.onmicrosoft.com reports to ana@contoso.onmicrosoft.com (cy@contoso.onmicrosoft.com → ben@contoso.onmicrosoft.com → ana@contoso.onmicrosoft.com), so they can't also be ana@contoso.onmicrosoft.com's manager: managers may not go round in a loop.",
    );
    expect(await managerIdOf(ana)).toBeNull();
  });

  it('refuses a user of another organization, an unknown name and a deleted user', async () => {
    const other: MemberActor = { teamId: 'T0OTHER', slackUserId: 'U0OTHEROWNER' };
    const setup = await setupTenant(db.ctx, other, {
      organizationName: 'Fabrikam',
      initialDomain: 'fabrikam',
      requester: {
        isWorkspaceOwnerOrAdmin: true,
        isBootstrapAdmin: false,
        firstName: 'Oz',
        lastName: 'Other',
        displayName: 'Oz Other',
        email: 'oz@example.com',
      },
    });
    expect(setup.ok).toBe(true);
    const stranger = await addUser(db.ctx, other, { ...newUser('zed'), domain: 'fabrikam.onmicrosoft.com' });
    if (!stranger.ok) throw new Error(stranger.message);
    const ana = await makeUser(db.ctx, 'ana');
    expect(managerMessage(await editUser(db.ctx, OWNER, { userId: ana }, { manager: { userId: stranger.userId } }))).toBe(
      'That manager is no longer a user here (deleted a moment ago?). Choose another.',
    );
    expect(managerMessage(await editUser(db.ctx, OWNER, { userId: ana }, { manager: { username: 'zed@fabrikam.onmicrosoft.com' } }))).toBe(
      'Manager zed@fabrikam.onmicrosoft.com not found: no active user has that username here.',
    );
    const gone = await makeUser(db.ctx, 'gone');
    expect((await deleteUsers(db.ctx, OWNER, { userIds: [gone] })).ok).toBe(true);
    expect(managerMessage(await editUser(db.ctx, OWNER, { userId: ana }, { manager: { username: 'gone@contoso.onmicrosoft.com' } }))).toBe(
      'Manager gone@contoso.onmicrosoft.com not found: no active user has that username here.',
    );
    expect(await managerIdOf(ana)).toBeNull();
  });

  it('keeps a deleted manager named until they are purged, which leaves the reports without a manager', async () => {
    const ana = await makeUser(db.ctx, 'ana');
    const ben = await makeUser(db.ctx, 'ben');
    expect((await editUser(db.ctx, OWNER, { userId: ana }, { manager: { userId: ben } })).ok).toBe(true);
    expect((await deleteUsers(db.ctx, OWNER, { userIds: [ben] })).ok).toBe(true);
    const shown = await showUser(db.ctx, OWNER, 'ana');
    expect(shown.ok && shown.user.manager).toMatchObject({ userPrincipalName: 'ben@contoso.onmicrosoft.com', deleted: true });
    const purged = await purgeDeletedUser(db.ctx, OWNER, { user: 'ben@contoso.onmicrosoft.com', confirm: 'ben@contoso.onmicrosoft.com' });
    expect(purged.ok).toBe(true);
    expect(await managerIdOf(ana)).toBeNull();
  });

  it('needs the permission to edit users, the right to act on the user, and a cloud user', async () => {
    await makeRoleHolders(db.ctx);
    const ana = await makeUser(db.ctx, 'ana');
    const ben = await makeUser(db.ctx, 'ben');
    const licenseAdmin = await editUser(db.ctx, ACTORS.license_admin, { userId: ana }, { manager: { userId: ben } });
    expect(managerMessage(licenseAdmin)).toMatch(/^To edit users you need one of these roles/);
    const owner = (await db.db.selectFrom('DirectoryUser').select('id').where('slackUserId', '=', OWNER.slackUserId).executeTakeFirstOrThrow()).id;
    const userAdminOnGlobal = await editUser(db.ctx, ACTORS.user_admin, { userId: owner }, { manager: { userId: ben } });
    expect(managerMessage(userAdminOnGlobal)).toBeTruthy();
    expect((await editUser(db.ctx, ACTORS.user_admin, { userId: ana }, { manager: { userId: ben } })).ok).toBe(true);
    const cy = await makeUser(db.ctx, 'cy');
    await setUserSource(db.db, cy, 'synced', NOW);
    const synced = await editUser(db.ctx, OWNER, { userId: cy }, { manager: { userId: ana } });
    expect(managerMessage(synced)).toMatch(/on-premises Active Directory/);
  });

  it('Edit many gives every user one manager, each judged on their own (the manager themselves is refused); an unknown manager stops it first', async () => {
    const [ana, ben, cy] = [await makeUser(db.ctx, 'ana'), await makeUser(db.ctx, 'ben'), await makeUser(db.ctx, 'cy')];
    const usernames = ['ana', 'ben', 'cy'].map((a) => `${a}@contoso.onmicrosoft.com`);
    const unknown = await editManyUsers(db.ctx, OWNER, { usernames, manager: { username: 'zed' }, licenses: { mode: 'keep' } });
    expect(managerMessage(unknown)).toBe('Manager zed not found: no active user has that username here.');
    const done = await editManyUsers(db.ctx, OWNER, { usernames, manager: { username: 'cy@contoso.onmicrosoft.com' }, licenses: { mode: 'keep' } });
    if (!done.ok) throw new Error(done.message);
    expect(done.rows.map((r) => [r.userPrincipalName, r.done])).toEqual([
      [usernames[0], true],
      [usernames[1], true],
      [usernames[2], false],
    ]);
    expect(done.rows[2]!.outcome).toContain("A user can't be their own manager.");
    expect([await managerIdOf(ana), await managerIdOf(ben), await managerIdOf(cy)]).toEqual([cy, cy, null]);
    const cleared = await editManyUsers(db.ctx, OWNER, { usernames: usernames.slice(0, 2), manager: null, licenses: { mode: 'keep' } });
    expect(cleared.ok && cleared.counts.done).toBe(2);
    expect(await managerIdOf(ana)).toBeNull();
  });

  it('a custom view with a Manager condition lists that manager’s direct reports; an unknown manager is refused on the field', async () => {
    const [ana, ben] = [await makeUser(db.ctx, 'ana'), await makeUser(db.ctx, 'ben')];
    await makeUser(db.ctx, 'cy');
    const boss = await makeUser(db.ctx, 'boss');
    for (const id of [ana, ben]) expect((await editUser(db.ctx, OWNER, { userId: id }, { manager: { userId: boss } })).ok).toBe(true);
    const unknown = await saveCustomView(db.ctx, OWNER, { name: 'Nobody’s team', conditions: { manager: 'zed@contoso.onmicrosoft.com' } });
    expect(managerMessage(unknown)).toBe("No user zed@contoso.onmicrosoft.com in Contoso: give the manager's full username.");
    const saved = await saveCustomView(db.ctx, OWNER, { name: 'Boss’s team', conditions: { manager: ' Boss@Contoso.onmicrosoft.com ' } });
    expect(saved.ok).toBe(true);
    const listed = await listUsers(db.ctx, OWNER, { view: 'Boss’s team' });
    expect(listed.ok && listed.page.rows.map((r) => r.userPrincipalName)).toEqual(['ana@contoso.onmicrosoft.com', 'ben@contoso.onmicrosoft.com']);
  });

  it('a dry run checks and writes nothing', async () => {
    const ana = await makeUser(db.ctx, 'ana');
    await makeUser(db.ctx, 'ben');
    expect(await editUser(db.ctx, OWNER, { userId: ana }, { manager: { username: 'ben' } }, { dryRun: true })).toMatchObject({
      ok: true,
      dryRun: true,
      changedFields: ['manager'],
    });
    expect(await managerIdOf(ana)).toBeNull();
  });
});
