import { addDays } from 'date-fns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { assignProduct } from '../../src/core/licenses/assign-product.js';
import { unassignProduct } from '../../src/core/licenses/unassign-product.js';
import { deleteUsers, previewDeleteUsers } from '../../src/core/users/delete-users.js';
import { listDeletedUsers, restoreUser } from '../../src/core/users/restore-user.js';
import { sweepExpired } from '../../src/core/users/purge-deleted.js';
import { showUser } from '../../src/core/users/show-user.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { BASIC, makeUser } from './helpers.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('delete, restore, purge', (kind) => {
  let db: TestDatabase;
  let clock = new Date('2026-12-01T10:00:00Z');
  beforeEach(async () => {
    clock = new Date('2026-12-01T10:00:00Z');
    db = await createTestDatabase(() => clock, { kind });
    await seedTenant(db.ctx);
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 2 });
  });
  afterEach(async () => db.destroy());

  const pool = () => db.db.selectFrom('LicensePool').select(['total', 'assigned']).where('skuId', '=', BASIC.skuId).executeTakeFirstOrThrow();

  describe('delete', () => {
    it('frees the seats, remembers the licenses, keeps the roles and lists the user with the days left', async () => {
      const teams = BASIC.plans.find((p) => p.name === 'TEAMS1')!;
      const ana = await makeUser(db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [teams.id] }], roles: ['helpdesk_admin'] });
      expect((await pool()).assigned).toBe(1);
      const preview = await previewDeleteUsers(db.ctx, OWNER, { usernames: ['ana'] });
      expect(preview.ok && preview.users.map((u) => u.licenses)).toEqual([[BASIC.displayName]]);
      const result = await deleteUsers(db.ctx, OWNER, { usernames: ['ana@contoso.onmicrosoft.com', 'nobody'] });
      expect(result.ok && result.deleted.map((u) => u.userPrincipalName)).toEqual([ana.upn]);
      expect(result.ok && result.notDeleted).toEqual([{ name: 'nobody', reason: expect.stringMatching(/No user nobody/) }]);
      expect((await pool()).assigned).toBe(0);
      const row = await db.db.selectFrom('DirectoryUser').select(['deletedAt', 'deletedLicenses']).where('id', '=', ana.id).executeTakeFirstOrThrow();
      expect(row.deletedAt).not.toBeNull();
      expect(JSON.parse(row.deletedLicenses!)).toEqual([{ skuId: BASIC.skuId, disabledPlans: [teams.id] }]);
      expect(await countRows(db.db, 'RoleAssignment', (q) => q.where('userId', '=', ana.id))).toBe(1);
      clock = addDays(clock, 10);
      const listed = await listDeletedUsers(db.ctx, OWNER);
      expect(listed.ok && listed.users.map((u) => [u.userPrincipalName, u.daysLeft])).toEqual([[ana.upn, 20]]);
      expect((await showUser(db.ctx, OWNER, ana.upn)).ok).toBe(false);
      expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'user.delete'))).toBe(1);
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
    });

    it('refuses to delete yourself, the last Global admin, or a Global admin as a User admin', async () => {
      const self = await deleteUsers(db.ctx, OWNER, { usernames: ['olivia'] });
      expect(self.ok && self.notDeleted[0]?.reason).toMatch(/cannot delete yourself/);
      const cli = { teamId: TEAM, operator: 'ops', roles: ['global_admin' as const] };
      const last = await deleteUsers(db.ctx, cli, { usernames: ['olivia'] });
      expect(last.ok && last.notDeleted[0]?.reason).toMatch(/last Global admin/);
      await makeUser(db.ctx, 'gina', { roles: ['global_admin'] });
      const asUserAdmin = await deleteUsers(db.ctx, { ...cli, roles: ['user_admin'] }, { usernames: ['gina'] });
      expect(asUserAdmin.ok && asUserAdmin.notDeleted[0]?.reason).toMatch(/Only a Global admin/);
      const bothAdmins = await deleteUsers(db.ctx, cli, { usernames: ['olivia', 'gina'] });
      expect(bothAdmins.ok && [bothAdmins.deleted.length, bothAdmins.notDeleted[0]?.reason]).toEqual([1, expect.stringMatching(/last Global admin/)]);
    });

    it('--dry-run says what would happen and changes nothing', async () => {
      await makeUser(db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
      const result = await deleteUsers(db.ctx, OWNER, { usernames: ['ana'] }, { dryRun: true });
      expect(result.ok && result.deleted.length).toBe(1);
      expect((await pool()).assigned).toBe(1);
      expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'user.delete'))).toBe(0);
    });
  });

  describe('restore', () => {
    it('lets a new user take the username and Slack member; restoring the old one then asks for a new username, drops the link and gives back what seats allow', async () => {
      const old = await makeUser(db.ctx, 'ana', { slackUserId: 'U0ANA', licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
      await deleteUsers(db.ctx, OWNER, { usernames: ['ana'] });
      const reused = await makeUser(db.ctx, 'ana', { slackUserId: 'U0ANA', licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
      await makeUser(db.ctx, 'bob', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
      expect(reused.id).not.toBe(old.id);
      const taken = await restoreUser(db.ctx, OWNER, { user: old.id, byId: true });
      expect(taken.ok).toBe(false);
      expect(!taken.ok && taken.fields).toEqual([{ field: 'alias', message: expect.stringMatching(/already taken.*Enter a new username/) }]);
      const restored = await restoreUser(db.ctx, OWNER, { user: old.id, byId: true, alias: 'ana.old' });
      expect(restored.ok).toBe(true);
      if (!restored.ok) return;
      expect(restored.notice.userPrincipalName).toBe('ana.old@contoso.onmicrosoft.com');
      expect(restored.slackLinkDropped).toBe(true);
      expect(restored.licensesGiven).toEqual([]);
      expect(restored.licensesNotGiven).toEqual([
        { product: BASIC.displayName, reason: expect.stringMatching(/No Microsoft 365 Business Basic licenses are left/) },
      ]);
      const row = await db.db
        .selectFrom('DirectoryUser')
        .select(['passwordHash', 'deletedAt', 'slackUserId'])
        .where('id', '=', old.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ deletedAt: null, slackUserId: null });
      expect(await verifyPassword(restored.notice.temporaryPassword, row.passwordHash)).toBe(true);
      const dump = JSON.stringify(await db.db.selectFrom('AuditRecord').selectAll().execute());
      expect(dump).not.toContain(restored.notice.temporaryPassword);
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
    });

    it('gives the remembered licenses back with their apps when seats are free', async () => {
      const teams = BASIC.plans.find((p) => p.name === 'TEAMS1')!;
      await makeUser(db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [teams.id] }] });
      await deleteUsers(db.ctx, OWNER, { usernames: ['ana'] });
      const restored = await restoreUser(db.ctx, OWNER, { user: 'ana' });
      expect(restored.ok && restored.licensesGiven).toEqual([BASIC.displayName]);
      const shown = await showUser(db.ctx, OWNER, 'ana');
      expect(shown.ok && shown.user.licenses[0]?.disabledApps).toEqual([teams.displayName]);
      expect(shown.ok && shown.user.mailbox.state).toBe('active');
    });
  });

  describe('the sweep', () => {
    it('removes users deleted 30+ days ago across a restart with the clock moved forward, with an audit record', async () => {
      const ana = await makeUser(db.ctx, 'ana');
      const bob = await makeUser(db.ctx, 'bob');
      await deleteUsers(db.ctx, OWNER, { usernames: ['ana'] });
      clock = addDays(clock, 20);
      await deleteUsers(db.ctx, OWNER, { usernames: ['bob'] });
      expect((await sweepExpired(db.ctx)).purged).toEqual([]);
      await db.runtime.shutdown();
      // "Restart": a new process opens the same file 31 days after the first delete.
      const later = addDays(new Date('2026-12-01T10:00:00Z'), 31);
      const restarted = await createRuntime({ databaseUrl: db.url, now: () => later, logger: createLogger('error', () => undefined) });
      const reopened = restarted.database;
      try {
        const ctx = restarted.core;
        expect(await sweepExpired(ctx, { dryRun: true })).toEqual({ purged: [ana.upn], mailboxesRemoved: [] });
        expect(await countRows(reopened.db, 'DirectoryUser', (q) => q.where('id', '=', ana.id))).toBe(1);
        expect(await sweepExpired(ctx)).toEqual({ purged: [ana.upn], mailboxesRemoved: [] });
        expect(await countRows(reopened.db, 'DirectoryUser', (q) => q.where('id', '=', ana.id))).toBe(0);
        expect(await countRows(reopened.db, 'RoleAssignment', (q) => q.where('userId', '=', ana.id))).toBe(0);
        expect(await countRows(reopened.db, 'DirectoryUser', (q) => q.where('id', '=', bob.id))).toBe(1);
        const audit = await reopened.db.selectFrom('AuditRecord').select(['actorSlackUserId', 'summary']).where('action', '=', 'user.purge').execute();
        expect(audit).toEqual([{ actorSlackUserId: 'roster:sweep', summary: expect.stringMatching(/Removed ana@contoso.onmicrosoft.com for good/) }]);
      } finally {
        await restarted.shutdown();
        db = await createTestDatabase(() => clock, { kind }); // afterEach destroys this one
      }
    });

    it('ends a mailbox when its 30-day grace has passed, and /users show says so before', async () => {
      await makeUser(db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
      const un = await unassignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: ['ana@contoso.onmicrosoft.com'] } });
      expect(un.ok && un.done.length).toBe(1);
      const shown = await showUser(db.ctx, OWNER, 'ana');
      expect(shown.ok && shown.user.mailbox).toEqual({ state: 'grace', graceEndsAt: addDays(clock, 30) });
      clock = addDays(clock, 29);
      expect((await sweepExpired(db.ctx)).mailboxesRemoved).toEqual([]);
      clock = addDays(clock, 2);
      expect((await sweepExpired(db.ctx)).mailboxesRemoved).toEqual(['ana@contoso.onmicrosoft.com']);
      const after = await showUser(db.ctx, OWNER, 'ana');
      expect(after.ok && after.user.mailbox.state).toBe('none');
      const again = await assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: ['ana@contoso.onmicrosoft.com'] } });
      expect(again.ok && again.done.length).toBe(1);
    });
  });
});
