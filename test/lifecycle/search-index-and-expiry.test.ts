import { addDays } from 'date-fns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteUsers, previewDeleteUsers } from '../../src/core/users/delete-users.js';
import { blockUser } from '../../src/core/users/block-user.js';
import { deletedUserToRestore, restoreUser } from '../../src/core/users/restore-user.js';
import { sweepExpired } from '../../src/core/users/purge-deleted.js';
import { findUsers } from '../../src/core/users/find-users.js';
import { searchIndexDifferences } from '../../src/store/search-index-check.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { makeUser } from './helpers.js';

let db: TestDatabase;
let clock = new Date('2026-12-01T10:00:00Z');
beforeEach(async () => {
  clock = new Date('2026-12-01T10:00:00Z');
  db = await createTestDatabase(() => clock);
  await seedTenant(db.ctx);
});
afterEach(async () => db.destroy());

const found = async (text: string) => {
  const result = await findUsers(db.ctx, OWNER, text);
  if (!result.ok) throw new Error(result.message);
  return result.users.map((u) => u.userPrincipalName);
};

describe('the search index follows delete, restore and purge', () => {
  it('a deleted user is found by nothing; restored under a new alias, by the new one only; purged, leaves no term', async () => {
    const lee = await makeUser(db.ctx, 'lee', { displayName: 'Xavier Moon' });
    expect(await found('xav')).toEqual([lee.upn]);
    await deleteUsers(db.ctx, OWNER, { userIds: [lee.id] });
    expect(await found('xav')).toEqual([]);
    expect(await countRows(db.db, 'UserSearchTerm', (q) => q.where('userId', '=', lee.id))).toBe(0);
    // Someone else takes the alias meanwhile: the restore brings Xavier back as xavier.moon.
    await makeUser(db.ctx, 'lee', { displayName: 'Lee Other' });
    const restored = await restoreUser(db.ctx, OWNER, { user: lee.id, byId: true, alias: 'xavier.moon' });
    expect(restored.ok).toBe(true);
    expect(await found('xav')).toEqual(['xavier.moon@contoso.onmicrosoft.com']);
    expect(await found('moo')).toEqual(['xavier.moon@contoso.onmicrosoft.com']);
    expect(await found('lee')).toEqual(['lee@contoso.onmicrosoft.com']);
    expect(await searchIndexDifferences(db.db)).toEqual({ termsOfInactiveUsers: 0, usersIndexedWrongly: 0 });
    await deleteUsers(db.ctx, OWNER, { userIds: [lee.id] });
    clock = addDays(clock, 31);
    expect((await sweepExpired(db.ctx)).purged).toEqual(['xavier.moon@contoso.onmicrosoft.com']);
    expect(await countRows(db.db, 'UserSearchTerm', (q) => q.where('userId', '=', lee.id))).toBe(0);
    expect(await searchIndexDifferences(db.db)).toEqual({ termsOfInactiveUsers: 0, usersIndexedWrongly: 0 });
  });
});

describe('restore within the 30 days only', () => {
  it('is refused once the deletion is 30 days old, from the form and the restore, even before any purge ran', async () => {
    const ana = await makeUser(db.ctx, 'ana');
    await deleteUsers(db.ctx, OWNER, { userIds: [ana.id] });
    clock = addDays(clock, 29);
    expect(await deletedUserToRestore(db.ctx, OWNER, 'ana')).toMatchObject({ ok: true });
    clock = addDays(clock, 1);
    const refused = { ok: false, code: 'conflict', message: expect.stringMatching(/deleted more than 30 days ago: it is being removed for good/) };
    expect(await deletedUserToRestore(db.ctx, OWNER, 'ana')).toMatchObject(refused);
    expect(await restoreUser(db.ctx, OWNER, { user: 'ana' })).toMatchObject(refused);
    expect(await restoreUser(db.ctx, OWNER, { user: ana.id, byId: true })).toMatchObject(refused);
    const row = await db.db.selectFrom('DirectoryUser').select('deletedAt').where('id', '=', ana.id).executeTakeFirstOrThrow();
    expect(row.deletedAt).not.toBeNull();
    // The purge, whenever it runs, takes exactly the users no restore would accept.
    expect((await sweepExpired(db.ctx)).purged).toEqual([ana.upn]);
  });
});

describe('the last Global admin who can sign in', () => {
  it('a blocked Global admin does not count: the last one who can sign in is not deleted, by a member or an operator', async () => {
    const gina = await makeUser(db.ctx, 'gina', { roles: ['global_admin'], alternateEmail: 'g@example.com' });
    await blockUser(db.ctx, OWNER, { userId: gina.id });
    const operator = { teamId: TEAM, operator: 'root', roles: ['global_admin' as const] };
    const preview = await previewDeleteUsers(db.ctx, operator, { usernames: ['olivia'] });
    expect(preview.ok && preview.refused).toEqual([
      { name: expect.stringMatching(/^olivia/), reason: expect.stringMatching(/last Global admin who can sign in/) },
    ]);
    const result = await deleteUsers(db.ctx, operator, { usernames: ['olivia'] });
    expect(result.ok && result.notDeleted).toEqual([
      { name: expect.stringMatching(/^olivia/), reason: expect.stringMatching(/last Global admin who can sign in/) },
    ]);
    // A blocked Global admin can still be deleted while another one can sign in.
    const blocked = await deleteUsers(db.ctx, operator, { userIds: [gina.id] });
    expect(blocked.ok && blocked.deleted).toHaveLength(1);
  });
});
