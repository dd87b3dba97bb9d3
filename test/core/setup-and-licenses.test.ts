import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { listLicenses } from '../../src/core/licenses/list-licenses.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('setup and licenses', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind });
  });
  afterEach(async () => db.destroy());

  const requester = { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, displayName: 'Olivia Owner', email: 'olivia.o@example.com' };

  describe('setupTenant', () => {
    it('creates the organization, its initial domain and the first Global admin from the Slack profile', async () => {
      const result = await setupTenant(db.ctx, OWNER, { organizationName: 'Contoso', initialDomain: 'Contoso', requester });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.initialDomain).toBe('contoso.onmicrosoft.com');
      expect(result.admin.userPrincipalName).toBe('olivia.o@contoso.onmicrosoft.com');
      const admin = await db.db.selectFrom('DirectoryUser').selectAll().executeTakeFirstOrThrow();
      expect(admin.slackUserId).toBe(OWNER.slackUserId);
      expect((await db.db.selectFrom('RoleAssignment').select('role').where('userId', '=', admin.id).execute()).map((r) => r.role)).toEqual(['global_admin']);
      expect(admin.passwordHash).not.toContain(result.temporaryPassword);
      expect(await verifyPassword(result.temporaryPassword, admin.passwordHash)).toBe(true);
      const audit = await db.db.selectFrom('AuditRecord').selectAll().orderBy('action', 'desc').execute();
      expect(audit.map((a) => [a.action, a.targetUserId])).toEqual([
        ['user.create', admin.id],
        ['tenant.setup', null],
      ]);
      expect(JSON.stringify(audit)).not.toContain(result.temporaryPassword);
    });

    it('lets a bootstrap admin set up, and tells anyone else who can', async () => {
      const refused = await setupTenant(db.ctx, OWNER, {
        organizationName: 'Contoso',
        initialDomain: 'contoso',
        requester: { ...requester, isWorkspaceOwnerOrAdmin: false },
      });
      expect(refused).toMatchObject({ ok: false, code: 'forbidden' });
      if (!refused.ok) expect(refused.message).toMatch(/workspace owner or admin.*ROSTER_BOOTSTRAP_ADMINS/);
      const allowed = await setupTenant(db.ctx, OWNER, {
        organizationName: 'Contoso',
        initialDomain: 'contoso',
        requester: { ...requester, isWorkspaceOwnerOrAdmin: false, isBootstrapAdmin: true },
      });
      expect(allowed.ok).toBe(true);
    });

    it('names each bad field and refuses a second setup', async () => {
      const bad = await setupTenant(db.ctx, OWNER, { organizationName: ' ', initialDomain: 'con toso', passwordExpiryDays: -1, requester });
      expect(bad.ok).toBe(false);
      if (bad.ok) return;
      expect(bad.fields?.map((f) => f.field).sort()).toEqual(['initialDomain', 'organizationName', 'passwordExpiryDays']);
      await seedTenant(db.ctx);
      const again = await setupTenant(db.ctx, OWNER, { organizationName: 'Other', initialDomain: 'other', requester });
      expect(again).toMatchObject({ ok: false, code: 'already_set_up' });
    });
  });

  describe('licenses', () => {
    it('buys seats by part number or by an unambiguous part of the name and lists them', async () => {
      await seedTenant(db.ctx);
      const byPart = await buyLicenses(db.ctx, OWNER, { product: 'O365_BUSINESS_ESSENTIALS', quantity: 10 });
      expect(byPart).toMatchObject({ ok: true, total: 10, available: 10 });
      const byName = await buyLicenses(db.ctx, OWNER, { product: 'business basic', quantity: 5 });
      expect(byName).toMatchObject({ ok: true, total: 15 });
      if (byName.ok) expect(byName.product.partNumber).toBe('O365_BUSINESS_ESSENTIALS');
      await buyLicenses(db.ctx, OWNER, { product: 'SPE_E3', quantity: 2 });
      const list = await listLicenses(db.ctx, OWNER);
      expect(list.ok && list.licenses.map((l) => [l.product.partNumber, l.total, l.assigned, l.available])).toEqual([
        ['O365_BUSINESS_ESSENTIALS', 15, 0, 15],
        ['SPE_E3', 2, 0, 2],
      ]);
      expect(await countRows(db.db, 'Subscription')).toBe(3);
    });

    it('explains ambiguous or unknown products and bad quantities', async () => {
      await seedTenant(db.ctx);
      const ambiguous = await buyLicenses(db.ctx, OWNER, { product: 'e3', quantity: 1 });
      expect(ambiguous.ok).toBe(false);
      if (!ambiguous.ok) expect(ambiguous.message).toMatch(/matches \d+ products: .*\(SPE_E3\).*part number/);
      const unknown = await buyLicenses(db.ctx, OWNER, { product: 'frobnicator', quantity: 1 });
      expect(unknown).toMatchObject({ ok: false, message: expect.stringMatching(/No product matches "frobnicator"/) });
      const zero = await buyLicenses(db.ctx, OWNER, { product: 'SPE_E3', quantity: 0 });
      expect(zero).toMatchObject({ ok: false, code: 'invalid_input', message: expect.stringMatching(/whole number from 1/) });
      expect(await countRows(db.db, 'Subscription')).toBe(0);
    });

    it('refuses members without a role and tells them which role is needed', async () => {
      await seedTenant(db.ctx);
      const stranger = { teamId: TEAM, slackUserId: 'U0STRANGER' };
      const result = await buyLicenses(db.ctx, stranger, { product: 'SPE_E3', quantity: 1 });
      expect(result).toMatchObject({ ok: false, code: 'forbidden' });
      if (!result.ok)
        expect(result.message).toBe(
          'To buy licenses you need one of these roles: Global admin, Billing admin. You have no admin role in this organization. Ask a Global admin (<@U0OWNER>) to give you one.',
        );
      const notSetUp = await listLicenses(db.ctx, { teamId: 'T0OTHER', slackUserId: 'U1' });
      expect(notSetUp).toMatchObject({ ok: false, code: 'not_set_up', message: expect.stringMatching(/\/users setup/) });
    });

    it('buys once for one form submission delivered twice (a double click), and again for a new one', async () => {
      await seedTenant(db.ctx);
      const first = await buyLicenses(db.ctx, OWNER, { product: 'O365_BUSINESS_ESSENTIALS', quantity: 5, requestKey: 'view:V1' });
      const twice = await buyLicenses(db.ctx, OWNER, { product: 'O365_BUSINESS_ESSENTIALS', quantity: 5, requestKey: 'view:V1' });
      expect(first.ok && [first.total, first.alreadyBought]).toEqual([5, false]);
      expect(twice.ok && [twice.total, twice.alreadyBought]).toEqual([5, true]);
      const again = await buyLicenses(db.ctx, OWNER, { product: 'O365_BUSINESS_ESSENTIALS', quantity: 5, requestKey: 'view:V2' });
      expect(again.ok && again.total).toBe(10);
      expect(await countRows(db.db, 'Subscription')).toBe(2);
      expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'licenses.buy'))).toBe(2);
    });
  });
});
