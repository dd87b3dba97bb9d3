import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteUsers, previewDeleteUsers } from '../../src/core/users/delete-users.js';
import { markUserSynced } from '../../src/core/users/mark-synced.js';
import { restoreUser } from '../../src/core/users/restore-user.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { makeUser } from './helpers.js';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
});
afterEach(async () => db.destroy());

const SYNCED = /is synchronized from your on-premises Active Directory: delete or restore it there/;

describe('synced users are deleted and restored on premises', () => {
  it('refuses to delete a synced user (preview and delete), and deletes the cloud users asked with them', async () => {
    const kim = await makeUser(db.ctx, 'kim');
    const lee = await makeUser(db.ctx, 'lee');
    expect((await markUserSynced(db.ctx, OWNER, { userId: kim.id })).ok).toBe(true);
    const preview = await previewDeleteUsers(db.ctx, OWNER, { usernames: [kim.upn, lee.upn] });
    expect(preview.ok && preview.refused.map((r) => r.reason)).toEqual([expect.stringMatching(SYNCED)]);
    const done = await deleteUsers(db.ctx, OWNER, { usernames: [kim.upn, lee.upn] });
    expect(done.ok && done.deleted.map((u) => u.userPrincipalName)).toEqual([lee.upn]);
    expect(done.ok && done.notDeleted).toEqual([{ name: kim.upn, reason: expect.stringMatching(SYNCED) }]);
  });

  it('refuses to restore a user who was synced when deleted', async () => {
    const kim = await makeUser(db.ctx, 'kim');
    expect((await deleteUsers(db.ctx, OWNER, { usernames: [kim.upn] })).ok).toBe(true);
    // Deleted on premises and synchronized: the deleted account is a synced one.
    await db.db.updateTable('DirectoryUser').set({ source: 'synced' }).where('id', '=', kim.id).execute();
    expect(await restoreUser(db.ctx, OWNER, { user: kim.upn })).toMatchObject({ ok: false, message: expect.stringMatching(SYNCED) });
  });
});
