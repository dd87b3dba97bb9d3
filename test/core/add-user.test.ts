import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUser } from '../../src/core/users/add-user.js';
import type { AddUserInput } from '../../src/core/users/add-user-input.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { showUser } from '../../src/core/users/show-user.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { passwordProblem } from '../../src/core/rules/password-policy.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { insertDomain } from '../../src/store/organizations.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('add user', (kind) => {
  let db: TestDatabase;
  const NOW = new Date('2026-11-23T10:00:00Z');
  beforeEach(async () => {
    db = await createTestDatabase(() => NOW, { kind });
    await seedTenant(db.ctx);
  });
  afterEach(async () => db.destroy());

  const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
  const E1 = productByPartNumber('STANDARDPACK')!;
  const E3 = productByPartNumber('ENTERPRISEPACK')!;

  function input(overrides: Partial<AddUserInput> = {}): AddUserInput {
    return {
      firstName: 'Ana',
      lastName: 'Silva',
      displayName: 'Ana Silva',
      alias: 'ana',
      domain: 'contoso.onmicrosoft.com',
      password: { mode: 'auto' },
      ...overrides,
    };
  }

  async function fieldsOf(result: Awaited<ReturnType<typeof addUser>>) {
    expect(result.ok).toBe(false);
    return result.ok ? {} : Object.fromEntries((result.fields ?? []).map((f) => [f.field, f.message]));
  }

  describe('addUser', () => {
    it('creates the account with a generated password, a license with apps turned off, and an audit record', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 2 });
      const teams = BASIC.plans.find((p) => p.name === 'TEAMS1')!;
      const result = await addUser(
        db.ctx,
        OWNER,
        input({ usageLocation: 'nl', licenses: [{ skuId: BASIC.skuId, disabledPlans: [teams.id] }], credentialRecipients: ['U0HR', OWNER.slackUserId] }),
      );
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const notice = result.notice!;
      expect(notice).toMatchObject({
        userPrincipalName: 'ana@contoso.onmicrosoft.com',
        mustChangeAtNextSignIn: true,
        licenses: ['Microsoft 365 Business Basic'],
      });
      expect(notice.passwordExpiresAt?.toISOString()).toBe('2027-02-21T10:00:00.000Z');
      expect(passwordProblem(notice.temporaryPassword)).toBeNull();
      expect(result.credentialRecipients).toEqual(['U0HR']);
      const stored = await db.db.selectFrom('DirectoryUser').selectAll().where('aliasKey', '=', 'ana').executeTakeFirstOrThrow();
      expect(stored.usageLocation).toBe('NL');
      expect(stored.passwordHash.startsWith('hmac-sha256$')).toBe(true);
      expect(await verifyPassword(notice.temporaryPassword, stored.passwordHash)).toBe(true);
      const shown = await showUser(db.ctx, OWNER, 'ANA@contoso.onmicrosoft.com');
      expect(shown.ok && shown.user.licenses).toEqual([
        { skuId: BASIC.skuId, productName: BASIC.displayName, partNumber: BASIC.partNumber, disabledApps: [teams.displayName] },
      ]);
      const pool = await db.db.selectFrom('LicensePool').selectAll().executeTakeFirstOrThrow();
      expect([pool.total, pool.assigned]).toEqual([2, 1]);
      const dump =
        JSON.stringify(await db.db.selectFrom('AuditRecord').selectAll().execute()) +
        JSON.stringify(await db.db.selectFrom('DirectoryUser').selectAll().execute());
      expect(dump).not.toContain(notice.temporaryPassword);
    });

    it('stores a chosen password with scrypt and refuses a weak one on the password field', async () => {
      expect((await fieldsOf(await addUser(db.ctx, OWNER, input({ password: { mode: 'custom', value: 'password1' } })))).password).toMatch(/too weak.*3 of/);
      const result = await addUser(db.ctx, OWNER, input({ password: { mode: 'custom', value: 'Correct-Horse-9' }, requirePasswordChange: false }));
      expect(result.ok && result.notice?.mustChangeAtNextSignIn).toBe(false);
      const stored = await db.db.selectFrom('DirectoryUser').selectAll().where('aliasKey', '=', 'ana').executeTakeFirstOrThrow();
      expect(stored.passwordHash.startsWith('scrypt$')).toBe(true);
      expect(await verifyPassword('Correct-Horse-9', stored.passwordHash)).toBe(true);
    });

    it('puts each mistake on its field', async () => {
      const fields = await fieldsOf(
        await addUser(
          db.ctx,
          OWNER,
          input({
            alias: 'ana silva',
            domain: 'fabrikam.com',
            displayName: '',
            firstName: '',
            lastName: '',
            jobTitle: 'x'.repeat(65),
            roles: ['user_admin'],
            licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
          }),
        ),
      );
      expect(fields).toEqual({
        displayName: 'Enter a display name (or a first and last name to make one).',
        jobTitle: 'Job title is 65 characters; the most is 64.',
        alias: "The username can't contain space. Use letters A-Z, digits and ' . - _ ! # ^ ~ only.",
        domain: 'The organization has no domain fabrikam.com. Use one of: contoso.onmicrosoft.com.',
        usageLocation: 'Choose a usage location: a license can only be assigned to a user with one.',
        licenses: 'The organization has no Microsoft 365 Business Basic licenses. Buy some with `/licenses buy`.',
        alternateEmail: 'An admin (User admin) needs an alternate email address, for password recovery.',
      });
      expect(await countRows(db.db, 'DirectoryUser')).toBe(1);
    });

    it('refuses lengths, a taken username and a period before the @', async () => {
      expect((await fieldsOf(await addUser(db.ctx, OWNER, input({ alias: 'a'.repeat(31) })))).alias).toMatch(/31 characters; the most is 30/);
      expect((await fieldsOf(await addUser(db.ctx, OWNER, input({ alias: 'ana.' })))).alias).toMatch(/can't end with a period/);
      expect((await addUser(db.ctx, OWNER, input())).ok).toBe(true);
      expect((await fieldsOf(await addUser(db.ctx, OWNER, input({ alias: 'ANA' })))).alias).toBe(
        'The username ANA@contoso.onmicrosoft.com is already taken by Ana Silva. Choose another.',
      );
    });

    it('applies the initial-domain alias rule both ways', async () => {
      await insertDomain(db.db, (await db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow()).id, 'contoso.com', NOW);
      expect((await addUser(db.ctx, OWNER, input({ alias: 'geoff' }))).ok).toBe(true);
      expect((await addUser(db.ctx, OWNER, input({ alias: 'geoff', domain: 'contoso.com' }))).ok).toBe(true);
      expect((await addUser(db.ctx, OWNER, input({ alias: 'lee', domain: 'contoso.com' }))).ok).toBe(true);
      expect((await fieldsOf(await addUser(db.ctx, OWNER, input({ alias: 'lee' })))).alias).toMatch(
        /alias "lee" is already used by lee@contoso.com.*first account was made on the initial domain \(contoso.onmicrosoft.com\)/,
      );
    });

    it('refuses mutually exclusive products unless the clashing app is off', async () => {
      await buyLicenses(db.ctx, OWNER, { product: E1.partNumber, quantity: 1 });
      await buyLicenses(db.ctx, OWNER, { product: E3.partNumber, quantity: 1 });
      const both = [
        { skuId: E1.skuId, disabledPlans: [] },
        { skuId: E3.skuId, disabledPlans: [] },
      ];
      expect((await fieldsOf(await addUser(db.ctx, OWNER, input({ usageLocation: 'US', licenses: both })))).licenses).toMatch(/mutually exclusive/);
      const off = (p: typeof E1, names: string[]) => p.plans.filter((plan) => names.includes(plan.name)).map((plan) => plan.id);
      const fixed = [
        { skuId: E1.skuId, disabledPlans: off(E1, ['EXCHANGE_S_STANDARD', 'SHAREPOINTSTANDARD']) },
        { skuId: E3.skuId, disabledPlans: [] },
      ];
      expect((await addUser(db.ctx, OWNER, input({ usageLocation: 'US', licenses: fixed }))).ok).toBe(true);
    });

    it('gives the last seat to exactly one of two admins racing for it', async () => {
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 1 });
      const license = [{ skuId: BASIC.skuId, disabledPlans: [] }];
      const results = await Promise.all([
        addUser(db.ctx, OWNER, input({ alias: 'first', usageLocation: 'NL', licenses: license })),
        addUser(db.ctx, OWNER, input({ alias: 'second', usageLocation: 'NL', licenses: license })),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const refused = results.find((r) => !r.ok);
      expect(refused).toMatchObject({
        code: 'no_seats',
        message: expect.stringMatching(/No Microsoft 365 Business Basic licenses are left \(1 of 1 assigned\)/),
      });
      expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('aliasKey', 'in', ['first', 'second']))).toBe(1);
      expect((await db.db.selectFrom('LicensePool').selectAll().executeTakeFirstOrThrow()).assigned).toBe(1);
    });

    it('enforces roles: License and Billing admins cannot add users, only Global admins give roles', async () => {
      const make = async (alias: string, role: 'license_admin' | 'billing_admin' | 'user_admin', slackUserId: string) =>
        addUser(db.ctx, OWNER, input({ alias, roles: [role], alternateEmail: `${alias}@example.com`, slackUserId }));
      expect((await make('lic', 'license_admin', 'U0LIC')).ok).toBe(true);
      expect((await make('bill', 'billing_admin', 'U0BILL')).ok).toBe(true);
      expect((await make('ua', 'user_admin', 'U0UA')).ok).toBe(true);
      for (const slackUserId of ['U0LIC', 'U0BILL', 'U0NOBODY']) {
        const result = await addUser(db.ctx, { teamId: TEAM, slackUserId }, input({ alias: `x${slackUserId}` }));
        expect(result).toMatchObject({
          ok: false,
          code: 'forbidden',
          message: expect.stringMatching(/^To add users you need one of these roles: Global admin, User admin\./),
        });
      }
      const userAdmin = { teamId: TEAM, slackUserId: 'U0UA' };
      expect((await fieldsOf(await addUser(db.ctx, userAdmin, input({ alias: 'y', roles: ['global_admin'], alternateEmail: 'y@example.com' })))).roles).toMatch(
        /Only a Global admin can give admin roles/,
      );
      expect((await addUser(db.ctx, userAdmin, input({ alias: 'y' }))).ok).toBe(true);
      const billing = await buyLicenses(db.ctx, { teamId: TEAM, slackUserId: 'U0BILL' }, { product: BASIC.partNumber, quantity: 1 });
      expect(billing.ok).toBe(true);
    });
  });
});
