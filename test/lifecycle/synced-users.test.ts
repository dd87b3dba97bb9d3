import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteUsers, previewDeleteUsers } from '../../src/core/users/delete-users.js';
import { markUserSynced } from '../../src/core/users/mark-synced.js';
import { restoreUser } from '../../src/core/users/restore-user.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { makeUser } from './helpers.js';
import { NO_CLOUD_PASSWORD, verifyPassword } from '../../src/core/passwords/hash-password.js';

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

describe('marking a user synced', () => {
  const passwordOf = async (id: string) =>
    db.db.selectFrom('DirectoryUser').select(['passwordHash', 'forceChangePassword']).where('id', '=', id).executeTakeFirstOrThrow();

  it('leaves them no cloud password: the old one no longer matches and no change at next sign-in is asked', async () => {
    const kim = await makeUser(db.ctx, 'kim');
    expect(await verifyPassword(kim.password, (await passwordOf(kim.id)).passwordHash)).toBe(true);
    const marked = await markUserSynced(db.ctx, OWNER, { userId: kim.id });
    expect(marked.ok).toBe(true);
    const after = await passwordOf(kim.id);
    expect(after.passwordHash).toBe(NO_CLOUD_PASSWORD);
    expect(await verifyPassword(kim.password, after.passwordHash)).toBe(false);
    expect(Boolean(after.forceChangePassword)).toBe(false);
  });

  it('a dry run changes nothing, and a cloud user again has no password until one is reset', async () => {
    const kim = await makeUser(db.ctx, 'kim');
    expect((await markUserSynced(db.ctx, OWNER, { userId: kim.id }, { dryRun: true })).ok).toBe(true);
    expect(await verifyPassword(kim.password, (await passwordOf(kim.id)).passwordHash)).toBe(true);
    await markUserSynced(db.ctx, OWNER, { userId: kim.id });
    const back = await markUserSynced(db.ctx, OWNER, { userId: kim.id }, { synced: false });
    expect(back).toMatchObject({ ok: true, changed: true, needsPassword: true });
    expect((await passwordOf(kim.id)).passwordHash).toBe(NO_CLOUD_PASSWORD);
  });
});
