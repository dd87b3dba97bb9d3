import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { showUser } from '../../src/core/users/show-user.js';
import { insertDomain } from '../../src/store/organizations.js';
import { setUserSource } from '../../src/store/user-edits.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { makeUser } from './user-admin-fixture.js';
import { findUsers } from '../../src/core/users/find-users.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('edit user', (kind) => {
  let db: TestDatabase;
  const NOW = new Date('2026-11-23T10:00:00Z');
  const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
  const STANDARD = productByPartNumber('O365_BUSINESS_PREMIUM')!;
  beforeEach(async () => {
    db = await createTestDatabase(() => NOW, { kind });
    await seedTenant(db.ctx);
  });
  afterEach(async () => db.destroy());

  const fieldsOf = (result: { ok: boolean; fields?: { field: string; message: string }[] }) =>
    Object.fromEntries((result.ok ? [] : (result.fields ?? [])).map((f) => [f.field, f.message]));

  async function audits() {
    return db.db.selectFrom('AuditRecord').select(['action', 'changedFields', 'summary']).where('action', '=', 'user.update').execute();
  }

  describe('editUser', () => {
    it('writes and audits only the fields that changed', async () => {
      const id = await makeUser(db.ctx, 'ana', { jobTitle: 'Engineer', city: 'Utrecht' });
      const same = await editUser(
        db.ctx,
        OWNER,
        { userId: id },
        { details: { firstName: 'ana', lastName: 'Test', displayName: 'ana Test', jobTitle: 'Engineer', city: 'Utrecht' } },
      );
      expect(same).toMatchObject({ ok: true, changedFields: [] });
      expect(await audits()).toEqual([]);
      const changed = await editUser(
        db.ctx,
        OWNER,
        { userId: id },
        { details: { firstName: 'Ana', lastName: 'Test', displayName: 'Ana Silva', jobTitle: 'Engineer', city: '' } },
      );
      expect(changed).toMatchObject({ ok: true, changedFields: ['firstName', 'city', 'displayName'] });
      const user = await db.db.selectFrom('DirectoryUser').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect([user.firstName, user.displayName, user.jobTitle, user.city]).toEqual(['Ana', 'Ana Silva', 'Engineer', null]);
      expect(await audits()).toEqual([
        {
          action: 'user.update',
          changedFields: '["firstName","city","displayName"]',
          summary: 'Edited ana@contoso.onmicrosoft.com: firstName, city, displayName',
        },
      ]);
    });

    it('changes only the profile fields named by the command line, and checks them like Add user', async () => {
      const id = await makeUser(db.ctx, 'ana', { jobTitle: 'Engineer' });
      expect(await editUser(db.ctx, OWNER, { username: 'ana' }, { detailsPatch: { department: 'R&D' } })).toMatchObject({
        ok: true,
        changedFields: ['department'],
      });
      const tooLong = await editUser(db.ctx, OWNER, { userId: id }, { detailsPatch: { jobTitle: 'x'.repeat(65) } });
      expect(fieldsOf(tooLong).jobTitle).toMatch(/Job title is 65 characters; the most is 64/);
    });

    it('renames a user keeping upnKey, aliasKey and domain in step, and refuses a taken username on the alias field', async () => {
      await insertDomain(db.db, (await db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow()).id, 'contoso.com', NOW);
      const id = await makeUser(db.ctx, 'ana');
      await makeUser(db.ctx, 'bob');
      expect(fieldsOf(await editUser(db.ctx, OWNER, { userId: id }, { username: { alias: 'bob', domain: 'contoso.onmicrosoft.com' } })).alias).toMatch(
        /already taken by bob Test/,
      );
      expect(fieldsOf(await editUser(db.ctx, OWNER, { userId: id }, { username: { alias: 'a..b', domain: 'contoso.onmicrosoft.com' } })).alias).toMatch(
        /two periods/,
      );
      expect(fieldsOf(await editUser(db.ctx, OWNER, { userId: id }, { username: { alias: 'ana', domain: 'fabrikam.com' } })).domain).toMatch(
        /no domain fabrikam.com/,
      );
      const moved = await editUser(db.ctx, OWNER, { userId: id }, { username: { alias: 'Ana.Silva', domain: 'contoso.com' } });
      expect(moved).toMatchObject({ ok: true, userPrincipalName: 'Ana.Silva@contoso.com', changedFields: ['userPrincipalName'] });
      const row = await db.db
        .selectFrom('DirectoryUser')
        .select(['userPrincipalName', 'upnKey', 'aliasKey', 'domain'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ userPrincipalName: 'Ana.Silva@contoso.com', upnKey: 'ana.silva@contoso.com', aliasKey: 'ana.silva', domain: 'contoso.com' });
      // The search follows the new username at once (its index is written in the same transaction).
      const found = await findUsers(db.ctx, OWNER, 'ana.silva');
      expect(found.ok && found.users.map((u) => u.id)).toEqual([id]);
      // The alias rule: bob's alias was first made on the initial domain, so bob@contoso.com is fine for another user...
      const carl = await makeUser(db.ctx, 'carl');
      expect(await editUser(db.ctx, OWNER, { userId: carl }, { username: { alias: 'bob', domain: 'contoso.com' } })).toMatchObject({ ok: true });
      // ...but "ana.silva", first made on contoso.com, cannot be reused on the initial domain.
      const dan = await makeUser(db.ctx, 'dan');
      expect(fieldsOf(await editUser(db.ctx, OWNER, { userId: dan }, { username: { alias: 'ana.silva', domain: 'contoso.onmicrosoft.com' } })).alias).toMatch(
        /initial domain/,
      );
    });

    it('changes licenses through the seat ledger, keeping the other products and their apps, and refuses on the licenses field', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 1 });
      await buyLicenses(db.ctx, OWNER, { product: STANDARD.partNumber, quantity: 1 });
      const teams = BASIC.plans.find((p) => p.name === 'TEAMS1')!;
      const id = await makeUser(db.ctx, 'ana', { usageLocation: 'NL', licenses: [{ skuId: BASIC.skuId, disabledPlans: [teams.id] }] });
      const noLocation = await makeUser(db.ctx, 'bob');
      expect(fieldsOf(await editUser(db.ctx, OWNER, { userId: noLocation }, { addLicenses: [{ skuId: STANDARD.skuId, disabledPlans: [] }] })).licenses).toMatch(
        /usage location/i,
      );
      expect(fieldsOf(await editUser(db.ctx, OWNER, { userId: id }, { usageLocation: '' })).usageLocation).toMatch(/needs a usage location/);
      const added = await editUser(
        db.ctx,
        OWNER,
        { userId: id },
        {
          addLicenses: [
            { skuId: STANDARD.skuId, disabledPlans: [] },
            { skuId: BASIC.skuId, disabledPlans: [] },
          ],
        },
      );
      expect(added).toMatchObject({ ok: true, changedFields: ['licenses'] });
      const shown = await showUser(db.ctx, OWNER, 'ana');
      expect(shown.ok && shown.user.licenses.map((l) => [l.partNumber, l.disabledApps])).toEqual([
        [BASIC.partNumber, [teams.displayName]],
        [STANDARD.partNumber, []],
      ]);
      const other = await makeUser(db.ctx, 'carl', { usageLocation: 'NL' });
      expect(fieldsOf(await editUser(db.ctx, OWNER, { userId: other }, { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] })).licenses).toMatch(
        /No Microsoft 365 Business Basic licenses are left/,
      );
      expect(await editUser(db.ctx, OWNER, { userId: id }, { licenses: [{ skuId: STANDARD.skuId, disabledPlans: [] }] })).toMatchObject({ ok: true });
      expect(await editUser(db.ctx, OWNER, { userId: other }, { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] })).toMatchObject({ ok: true });
      expect(await checkSeatLedger(db.ctx)).toEqual([]);
    });

    it('needs an alternate email for admin roles, keeps the last Global admin, and refuses to block oneself', async () => {
      const id = await makeUser(db.ctx, 'ana');
      expect(fieldsOf(await editUser(db.ctx, OWNER, { userId: id }, { settings: { roles: ['user_admin'] } })).alternateEmail).toMatch(
        /needs an alternate email/,
      );
      expect(await editUser(db.ctx, OWNER, { userId: id }, { settings: { roles: ['user_admin'], alternateEmail: 'ana@example.com' } })).toMatchObject({
        ok: true,
        changedFields: ['roles', 'alternateEmail'],
      });
      const owner = await db.db.selectFrom('DirectoryUser').select('id').where('slackUserId', '=', OWNER.slackUserId).executeTakeFirstOrThrow();
      expect(fieldsOf(await editUser(db.ctx, OWNER, { userId: owner.id }, { settings: { signInAllowed: false } })).signIn).toMatch(
        /can't block your own sign-in/,
      );
      expect(fieldsOf(await editUser(db.ctx, OWNER, { userId: owner.id }, { settings: { roles: [] } })).roles).toMatch(/last Global admin/);
      expect(await countRows(db.db, 'RoleAssignment', (q) => q.where('role', '=', 'global_admin'))).toBe(1);
    });

    it('refuses details, settings and username of a synced user but still changes usage location and licenses', async () => {
      const id = await makeUser(db.ctx, 'ana');
      await setUserSource(db.db, id, 'synced', NOW);
      for (const input of [
        { details: { displayName: 'Other' } },
        { settings: { signInAllowed: false } },
        { username: { alias: 'anna', domain: 'contoso.onmicrosoft.com' } },
      ]) {
        const result = await editUser(db.ctx, OWNER, { userId: id }, input);
        expect(Object.values(fieldsOf(result)).join(' ')).toMatch(/on-premises Active Directory/);
      }
      expect(await editUser(db.ctx, OWNER, { userId: id }, { usageLocation: 'de' })).toMatchObject({ ok: true, changedFields: ['usageLocation'] });
    });

    it('a dry run checks everything and writes nothing', async () => {
      const id = await makeUser(db.ctx, 'ana');
      const dry = await editUser(db.ctx, OWNER, { userId: id }, { detailsPatch: { department: 'Sales' } }, { dryRun: true });
      expect(dry).toMatchObject({ ok: true, dryRun: true, changedFields: ['department'] });
      expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('department', '=', 'Sales'))).toBe(0);
      expect(await audits()).toEqual([]);
    });
  });
});
