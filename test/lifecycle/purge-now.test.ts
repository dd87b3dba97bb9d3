import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperatorActor } from '../../src/core/context.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { purgeDeletedUser } from '../../src/core/users/purge-user.js';
import { restoreUser } from '../../src/core/users/restore-user.js';
import { rosterCli } from '../support/run-cli.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { makeUser } from './helpers.js';

let db: TestDatabase;
const USER_ADMIN: OperatorActor = { teamId: TEAM, operator: 'ua', roles: ['user_admin'] };
beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
});
afterEach(async () => db.destroy());

describe('delete permanently before the 30 days', () => {
  it('a Global admin removes a deleted user for good once the username is typed again; nobody can restore it; audited', async () => {
    const kim = await makeUser(db.ctx, 'kim');
    await deleteUsers(db.ctx, OWNER, { usernames: [kim.upn] });
    expect(await purgeDeletedUser(db.ctx, USER_ADMIN, { user: kim.upn, confirm: kim.upn })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await purgeDeletedUser(db.ctx, OWNER, { user: kim.upn, confirm: 'kim' })).toMatchObject({
      ok: false,
      fields: [{ field: 'confirm', message: `Type ${kim.upn} to confirm.` }],
    });
    expect(await purgeDeletedUser(db.ctx, OWNER, { user: kim.upn, confirm: kim.upn, dryRun: true })).toMatchObject({ ok: true });
    expect(await db.db.selectFrom('DirectoryUser').select('id').where('id', '=', kim.id).executeTakeFirst()).toBeDefined();
    expect(await purgeDeletedUser(db.ctx, OWNER, { user: kim.upn, confirm: kim.upn.toUpperCase() })).toMatchObject({ ok: true, userPrincipalName: kim.upn });
    expect(await db.db.selectFrom('DirectoryUser').select('id').where('id', '=', kim.id).executeTakeFirst()).toBeUndefined();
    expect((await restoreUser(db.ctx, OWNER, { user: kim.upn })).ok).toBe(false);
    const audit = await db.db.selectFrom('AuditRecord').select('summary').where('action', '=', 'user.purge').execute();
    expect(audit.map((a) => a.summary)).toEqual([`Removed ${kim.upn} for good before its 30 days`]);
  });

  it('roster users purge needs --confirm, and says so', async () => {
    const lee = await makeUser(db.ctx, 'lee');
    await deleteUsers(db.ctx, OWNER, { usernames: [lee.upn] });
    const roster = rosterCli(db);
    expect((await roster('users', 'purge', lee.upn)).code).toBe(2);
    const done = await roster('users', 'purge', lee.upn, '--confirm', lee.upn);
    expect([done.code, done.stdout.trim()]).toEqual([0, `Removed ${lee.upn} for good: it can no longer be restored.`]);
  });
});
