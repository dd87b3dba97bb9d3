import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { assignProduct } from '../../src/core/licenses/assign-product.js';
import { unassignProduct } from '../../src/core/licenses/unassign-product.js';
import { changeQuantity } from '../../src/core/licenses/change-quantity.js';
import { productUsers } from '../../src/core/licenses/product-users.js';
import { listSelfService, recordSelfService, takeOverSubscription } from '../../src/core/licenses/take-over-subscription.js';
import { setUserLicenses, userLicenseChoices } from '../../src/core/licenses/set-user-licenses.js';
import { inviteGuest } from '../../src/core/users/invite-guest.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { BASIC, E1, E3, makeUser } from './helpers.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('licenses page', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(() => new Date('2026-12-01T10:00:00Z'), { kind });
    await seedTenant(db.ctx);
  });
  afterEach(async () => db.destroy());

  const upn = (alias: string) => `${alias}@contoso.onmicrosoft.com`;

  describe('assign and unassign a product', () => {
    it('explains every conflict per user with its fix, and licenses the others', async () => {
      await buyLicenses(db.ctx, OWNER, { product: E1.partNumber, quantity: 5 });
      await buyLicenses(db.ctx, OWNER, { product: E3.partNumber, quantity: 2 });
      await makeUser(db.ctx, 'ana');
      await makeUser(db.ctx, 'bob', { usageLocation: undefined });
      await makeUser(db.ctx, 'cai', { licenses: [{ skuId: E1.skuId, disabledPlans: [] }] });
      await makeUser(db.ctx, 'dan');
      await makeUser(db.ctx, 'eve');
      const result = await assignProduct(db.ctx, OWNER, { product: E3.partNumber, users: { usernames: ['ana', 'bob', 'cai', 'dan', 'eve'].map(upn) } });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.done.map((d) => d.userPrincipalName)).toEqual([upn('ana'), upn('dan')]);
      const why = Object.fromEntries(result.notDone.map((n) => [n.name, n.problems.join(' ')]));
      expect(why[upn('bob')]).toMatch(/no usage location.*Set it first/);
      expect(why[upn('cai')]).toMatch(new RegExp(`${E1.displayName} and ${E3.displayName} can't both be assigned`));
      expect(why[upn('eve')]).toMatch(/No Office 365 E3 licenses are left.*Buy more/);
      const users = await productUsers(db.ctx, OWNER, E3.partNumber);
      expect(users.ok && [users.count, users.users.map((u) => u.userPrincipalName)]).toEqual([2, [upn('ana'), upn('dan')]]);
      const un = await unassignProduct(db.ctx, OWNER, { product: E3.partNumber, users: { usernames: [upn('ana'), upn('bob')] } });
      expect(un.ok && [un.done.length, un.notDone[0]?.problems[0]]).toEqual([1, expect.stringMatching(/doesn't have Office 365 E3/)]);
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
    });

    it('assigning a product again keeps the apps its holders had turned off, and turns off the ones chosen', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 3 });
      const teams = BASIC.plans.find((p) => p.name === 'TEAMS1')!.id;
      const forms = BASIC.plans.find((p) => p.name !== 'TEAMS1' && p.id !== teams)!.id;
      await makeUser(db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [teams] }] });
      await makeUser(db.ctx, 'bob');
      const result = await assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: [upn('ana'), upn('bob')] }, disabledPlans: [forms] });
      expect(result.ok && result.done.length).toBe(2);
      const held = await db.db
        .selectFrom('LicenseAssignment as l')
        .innerJoin('DirectoryUser as u', 'u.id', 'l.userId')
        .select(['u.userPrincipalName', 'l.disabledPlans'])
        .execute();
      const apps = Object.fromEntries(held.map((h) => [h.userPrincipalName, (JSON.parse(h.disabledPlans) as string[]).sort()]));
      expect(apps).toEqual({ [upn('ana')]: [teams, forms].sort(), [upn('bob')]: [forms] });
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
    });

    it('picks at most 20 users at once, as the page does; the command line may name more (many)', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 30 });
      const names = Array.from({ length: 21 }, (_, i) => upn(`u${i}`));
      expect(await assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: names }, dryRun: true })).toMatchObject({
        ok: false,
        code: 'limit_exceeded',
        message: 'At most 20 users at once; 21 were named.',
      });
      const many = await assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: names }, dryRun: true, many: true });
      expect(many.ok && many.notDone.length).toBe(21); // none of them exists: each is named with why
    });

    it('only a Global admin licenses a guest', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 });
      const guest = await inviteGuest(db.ctx, OWNER, { email: 'ana.maria@fabrikam.com' });
      expect(guest.ok && [guest.userPrincipalName, guest.displayName]).toEqual(['ana.maria_fabrikam.com#EXT#@contoso.onmicrosoft.com', 'Ana Maria']);
      await db.db.updateTable('DirectoryUser').set({ usageLocation: 'NL' }).where('userType', '=', 'guest').execute();
      const users = { usernames: ['ana.maria_fabrikam.com#EXT#@contoso.onmicrosoft.com'] };
      const byLicenseAdmin = await assignProduct(db.ctx, { teamId: TEAM, operator: 'ops', roles: ['license_admin'] }, { product: BASIC.partNumber, users });
      expect(byLicenseAdmin.ok && byLicenseAdmin.notDone[0]?.problems).toEqual([expect.stringMatching(/only a Global admin can give a guest a license/)]);
      const byGlobal = await assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users });
      expect(byGlobal.ok && byGlobal.done.length).toBe(1);
    });
  });

  describe('quantity and self-service', () => {
    it('refuses to lower a quantity below what is assigned, and lowers it otherwise', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 });
      await makeUser(db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
      await makeUser(db.ctx, 'bob', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
      const billing = { teamId: TEAM, operator: 'ops', roles: ['billing_admin' as const] };
      const below = await changeQuantity(db.ctx, billing, { product: BASIC.partNumber, quantity: 1 });
      expect(!below.ok && below.message).toMatch(/2 Microsoft 365 Business Basic licenses are assigned.*can't go below 2/);
      const down = await changeQuantity(db.ctx, billing, { product: BASIC.partNumber, quantity: 2 });
      expect(down.ok && [down.before, down.total, down.assigned]).toEqual([5, 2, 2]);
      const subs = await db.db.selectFrom('Subscription').select(['quantity']).where('skuId', '=', BASIC.skuId).execute();
      expect(subs.reduce((s, r) => s + r.quantity, 0)).toBe(2);
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
    });

    it('keeps self-service seats out of the pool and unassignable until a Billing admin takes them over', async () => {
      await makeUser(db.ctx, 'ana');
      const recorded = await recordSelfService(db.ctx, { teamId: TEAM, operator: 'ops', roles: ['global_admin'] }, { product: BASIC.partNumber, quantity: 3 });
      expect(recorded.ok).toBe(true);
      const listed = await listSelfService(db.ctx, OWNER);
      expect(listed.ok && listed.subscriptions.map((s) => [s.product.partNumber, s.quantity])).toEqual([[BASIC.partNumber, 3]]);
      expect(await db.db.selectFrom('LicensePool').selectAll().execute()).toEqual([]);
      const blocked = await assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: [upn('ana')] } });
      expect(!blocked.ok && blocked.message).toMatch(/self-service subscription.*\/licenses takeover O365_BUSINESS_ESSENTIALS/);
      const byLicenseAdmin = await takeOverSubscription(db.ctx, { teamId: TEAM, operator: 'ops', roles: ['license_admin'] }, { product: BASIC.partNumber });
      expect(!byLicenseAdmin.ok && byLicenseAdmin.message).toMatch(/Global admin, Billing admin/);
      const taken = await takeOverSubscription(db.ctx, { teamId: TEAM, operator: 'ops', roles: ['billing_admin'] }, { product: BASIC.partNumber });
      expect(taken.ok && [taken.seats, taken.total]).toEqual([3, 3]);
      const assigned = await assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: [upn('ana')] } });
      expect(assigned.ok && assigned.done.length).toBe(1);
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
    });
  });

  describe("a user's licenses form", () => {
    it('sets exactly the products chosen with their apps, or refuses on the licenses field with the fix', async () => {
      await buyLicenses(db.ctx, OWNER, { product: E1.partNumber, quantity: 2 });
      await buyLicenses(db.ctx, OWNER, { product: E3.partNumber, quantity: 2 });
      const ana = await makeUser(db.ctx, 'ana', { licenses: [{ skuId: E1.skuId, disabledPlans: [] }] });
      const shown = await userLicenseChoices(db.ctx, OWNER, ana.id);
      expect(shown.ok && shown.held).toEqual([{ skuId: E1.skuId, disabledPlans: [] }]);
      const both = await setUserLicenses(db.ctx, OWNER, ana.id, [
        { skuId: E1.skuId, disabledPlans: [] },
        { skuId: E3.skuId, disabledPlans: [] },
      ]);
      expect(!both.ok && both.fields?.[0]).toEqual({
        field: 'licenses',
        message: expect.stringMatching(/Office 365 E1 and Office 365 E3 can't both be assigned/),
      });
      const app = E3.plans[0]!;
      const swap = await setUserLicenses(db.ctx, OWNER, ana.id, [{ skuId: E3.skuId, disabledPlans: [app.id] }]);
      expect(swap.ok && [swap.added, swap.removed]).toEqual([[E3.skuId], [E1.skuId]]);
      const after = await userLicenseChoices(db.ctx, OWNER, ana.id);
      expect(after.ok && after.held).toEqual([{ skuId: E3.skuId, disabledPlans: [app.id] }]);
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
    });
  });
});
