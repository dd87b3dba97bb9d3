import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { makeUser } from '../core/user-admin-fixture.js';
import { rosterCli } from '../support/run-cli.js';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: 'business basic', quantity: 1 });
  for (const alias of ['ana', 'bob']) await makeUser(db.ctx, alias, { usageLocation: 'NL' });
  dir = path.dirname(db.url.slice('file:'.length));
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args, '--workspace', TEAM);
const user = (alias: string) => db.db.selectFrom('DirectoryUser').selectAll().where('aliasKey', '=', alias).executeTakeFirstOrThrow();

describe('npm run roster -- users ...', () => {
  it('sets and removes a manager (--manager, --no-manager), shows it, and refuses a loop or both options at once', async () => {
    const dry = await roster('users', 'edit', 'ana', '--manager', 'bob', '--dry-run');
    expect(dry.stdout).toMatch(/\(dry run, nothing written\) ana@contoso.onmicrosoft.com: changed manager/);
    expect((await user('ana')).managerId).toBeNull();
    expect((await roster('users', 'edit', 'ana', '--manager', 'bob@contoso.onmicrosoft.com')).stdout).toMatch(/changed manager/);
    expect((await user('ana')).managerId).toBe((await user('bob')).id);
    const shown = await roster('users', 'show', 'ana', '--output', 'json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ manager: 'bob@contoso.onmicrosoft.com', directReports: 0 });
    const loop = await roster('users', 'edit', 'bob', '--manager', 'ana');
    expect([loop.code, loop.stderr]).toEqual([1, expect.stringMatching(/manager: ana@contoso.onmicrosoft.com reports to bob@contoso.onmicrosoft.com/)]);
    const both = await roster('users', 'edit', 'ana', '--manager', 'bob', '--no-manager');
    expect([both.code, both.stderr]).toEqual([2, expect.stringMatching(/--manager and --no-manager contradict each other/)]);
    expect((await roster('users', 'edit', 'ana', '--no-manager')).stdout).toMatch(/changed manager/);
    expect((await user('ana')).managerId).toBeNull();
  });

  it('edits fields and licenses, with --dry-run writing nothing', async () => {
    const dry = await roster('users', 'edit', 'ana@contoso.onmicrosoft.com', '--department', 'Sales', '--add-license', 'business basic', '--dry-run');
    expect(dry.stdout).toMatch(/\(dry run, nothing written\) ana@contoso.onmicrosoft.com: changed department, licenses/);
    expect((await user('ana')).department).toBeNull();
    const unknownApp = await roster('users', 'edit', 'ana', '--add-license', 'business basic', '--apps-off', 'NOT_A_PLAN');
    expect([unknownApp.code, unknownApp.stderr]).toEqual([
      2,
      expect.stringMatching(/--apps-off NOT_A_PLAN: none of the products of --add-license has this app/),
    ]);
    const done = await roster('users', 'edit', 'ana', '--department', 'Sales', '--add-license', 'business basic', '--apps-off', 'teams1');
    expect(done.stdout).toMatch(/changed department, licenses/);
    expect((await user('ana')).department).toBe('Sales');
    const held = await db.db
      .selectFrom('LicenseAssignment')
      .select('disabledPlans')
      .where('userId', '=', (await user('ana')).id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(held.disabledPlans)).toHaveLength(1);
    const refused = await roster('users', 'edit', 'bob', '--add-license', 'business basic');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/licenses: No Microsoft 365 Business Basic licenses are left/);
    const asLicenseAdmin = await roster('users', 'edit', 'bob', '--city', 'Delft', '--role', 'license_admin');
    expect(asLicenseAdmin.stderr).toMatch(/To edit users you need one of these roles: Global admin, User admin/);
  });

  it('blocks and unblocks, resets a password printing it once, and marks a user synced', async () => {
    expect((await roster('users', 'block', 'bob')).stdout).toMatch(
      /bob@contoso.onmicrosoft.com is now blocked from signing in \(it can take up to about an hour to reach every device\)/,
    );
    expect((await user('bob')).accountEnabled).toBe(0);
    expect((await roster('users', 'unblock', 'bob')).stdout).toMatch(/now allowed to sign in/);
    const reset = await roster('users', 'reset-password', 'bob');
    const password = /New password for bob@contoso.onmicrosoft.com: (\S+)/.exec(reset.stdout)?.[1];
    expect(password).toBeDefined();
    expect(await verifyPassword(password!, (await user('bob')).passwordHash)).toBe(true);
    expect(reset.stderr).not.toContain(password!);
    const file = path.join(dir, 'pw.txt');
    writeFileSync(file, 'Chosen-Pass-77\n');
    const chosen = await roster('users', 'reset-password', 'bob', '--password-file', file, '--no-require-change');
    expect(chosen.stdout).not.toContain('Chosen-Pass-77');
    expect(await verifyPassword('Chosen-Pass-77', (await user('bob')).passwordHash)).toBe(true);
    expect((await roster('users', 'mark-synced', 'bob')).stdout).toMatch(/now synchronized from on-premises/);
    expect((await roster('users', 'edit', 'bob', '--city', 'Delft')).stderr).toMatch(/on-premises Active Directory/);
  });

  it('edits many users from a file and writes every outcome to a private CSV', async () => {
    const list = path.join(dir, 'people.txt');
    writeFileSync(list, 'ana@contoso.onmicrosoft.com\nghost@contoso.onmicrosoft.com, bob\n');
    const result = await roster('users', 'edit-many', '--file', list, '--usage-location', 'DE');
    expect(result.stdout).toMatch(/2 changed, 0 already as asked, 1 not changed/);
    const csv = readFileSync(path.join(dir, 'people-results.csv'), 'utf8');
    expect(csv).toContain('ghost@contoso.onmicrosoft.com,No user with this username.');
    // It ran as a job of this CLI process, listed like any other.
    const jobs = await roster('jobs');
    expect(jobs.stdout).toMatch(/\tEdit users\tsucceeded\t3 of 3\tcli:/);
  });

  it('imports users as synchronized from on-premises AD with --synced', async () => {
    const csv = path.join(dir, 'synced.csv');
    writeFileSync(
      csv,
      [
        'Gebruikersnaam;Voornaam;Achternaam;Weergavenaam;Functie;Afdeling;Toestelnummer;Zakelijk nummer;Mobiel nummer;Faxnummer;Alternatief e-mailadres;Adres;Plaats;Provincie;Postcode;Land of regio',
        'onprem@contoso.onmicrosoft.com;On;Prem;On Prem;;;;;;;;;;;;',
      ].join('\r\n'),
    );
    const imported = await roster('import', csv, '--synced');
    expect(imported.code, imported.stderr).toBe(0);
    expect((await user('onprem')).source).toBe('synced');
  });
});
