import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUser } from '../../src/core/users/add-user.js';
import { memberRoles } from '../../src/store/directory-users.js';
import { insertDomain } from '../../src/store/organizations.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { softDeleteUser } from '../../src/store/user-lifecycle.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('soft delete', (kind) => {
  let db: TestDatabase;
  const NOW = new Date('2026-12-01T10:00:00Z');
  beforeEach(async () => {
    db = await createTestDatabase(() => NOW, { kind });
    await seedTenant(db.ctx);
  });
  afterEach(async () => db.destroy());

  const user = (alias: string, extra: Record<string, unknown> = {}) => ({
    displayName: `User ${alias}`,
    alias,
    domain: 'contoso.onmicrosoft.com',
    password: { mode: 'auto' as const },
    ...extra,
  });

  describe('deleted users free their username, Slack link and alias', () => {
    it('a deleted user’s username and Slack member can be given to a new user, and the old one is kept', async () => {
      const first = await addUser(db.ctx, OWNER, user('ana', { slackUserId: 'U0ANA' }));
      expect(first.ok).toBe(true);
      expect((await addUser(db.ctx, OWNER, user('ana'))).ok).toBe(false);
      await softDeleteUser(db.db, first.ok ? first.userId : '', [], NOW);
      const second = await addUser(db.ctx, OWNER, user('ana', { slackUserId: 'U0ANA' }));
      expect(second.ok).toBe(true);
      expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('upnKey', '=', 'ana@contoso.onmicrosoft.com'))).toBe(2);
      // The Slack member is the new user now: their roles come from the active account only.
      const tenantId = (await db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow()).id;
      expect((await memberRoles(db.db, tenantId, 'U0ANA')).userId).toBe(second.ok ? second.userId : null);
    });

    it('the database refuses two active users with one username or one Slack member, even past the core’s checks', async () => {
      const tenantId = (await db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow()).id;
      const row = {
        tenantId,
        userPrincipalName: 'Bo@contoso.onmicrosoft.com',
        upnKey: 'bo@contoso.onmicrosoft.com',
        aliasKey: 'bo',
        domain: 'contoso.onmicrosoft.com',
        displayName: 'Bo',
        passwordHash: 'x',
        passwordSetAt: NOW.toISOString(),
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        slackUserId: 'U0BO',
      };
      await db.db
        .insertInto('DirectoryUser')
        .values({ ...row, id: 'a' })
        .execute();
      await expect(
        db.db
          .insertInto('DirectoryUser')
          .values({ ...row, id: 'b', slackUserId: null })
          .execute(),
      ).rejects.toMatchObject({ constraint: 'username', where: 'DirectoryUser.tenantId, DirectoryUser.upnKey' });
      await expect(
        db.db
          .insertInto('DirectoryUser')
          .values({ ...row, id: 'c', upnKey: 'other', slackUserId: 'U0BO' })
          .execute(),
      ).rejects.toMatchObject({ constraint: 'slack_member', where: 'DirectoryUser.tenantId, DirectoryUser.slackUserId' });
      // A deleted one does not count.
      await db.db
        .insertInto('DirectoryUser')
        .values({ ...row, id: 'd', deletedAt: NOW.toISOString() })
        .execute();
    });

    it('the initial-domain alias rule ignores deleted users', async () => {
      const tenantId = (await db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow()).id;
      await insertDomain(db.db, tenantId, 'contoso.com', NOW);
      const custom = await addUser(db.ctx, OWNER, user('geoff', { domain: 'contoso.com' }));
      expect(custom.ok).toBe(true);
      // geoff@contoso.com first: geoff on the initial domain is refused…
      expect((await addUser(db.ctx, OWNER, user('geoff'))).ok).toBe(false);
      // …until that first account is deleted.
      await softDeleteUser(db.db, custom.ok ? custom.userId : '', [], NOW);
      expect((await addUser(db.ctx, OWNER, user('geoff'))).ok).toBe(true);
    });
  });
});
