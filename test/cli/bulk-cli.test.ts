import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { rosterCli } from '../support/run-cli.js';

let db: TestDatabase;
let folder: string;
beforeAll(async () => {
  db = await createTestDatabase();
  folder = mkdtempSync(path.join(tmpdir(), 'roster-bulk-cli-'));
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 3 });
  for (const alias of ['ana', 'bo', 'cy']) await makeUser(db.ctx, alias, { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
  await makeUser(db.ctx, 'gina', { roles: ['global_admin'], alternateEmail: 'gina@example.com' });
});
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await db.destroy();
});

const roster = (...args: string[]) => rosterCli(db)(...args, '--workspace', TEAM);
const upn = (alias: string) => `${alias}@contoso.onmicrosoft.com`;
let files = 0;
/** A usernames file, as an admin would write one. */
function usernames(text: string): string {
  const file = path.join(folder, `users-${++files}.txt`);
  writeFileSync(file, text);
  return file;
}
const row = (id: string) => db.db.selectFrom('DirectoryUser').selectAll().where('userPrincipalName', '=', upn(id)).executeTakeFirstOrThrow();

describe('roster users reset-many|block-many|unblock-many|delete-many|restore-many', () => {
  it('without --confirm shows who would be done and who not, changes nothing and exits 2; a --confirm of another count is refused', async () => {
    const file = usernames('ana\nbo@contoso.onmicrosoft.com, ghost\n');
    const shown = await roster('users', 'block-many', '--file', file);
    expect(shown.code).toBe(2);
    expect(shown.stdout).toMatch(/\(dry run\) blocked {6}ana@contoso.onmicrosoft.com\n\(dry run\) blocked {6}bo@contoso.onmicrosoft.com/);
    expect(shown.stderr).toMatch(/not blocked {2}ghost: No user ghost in Contoso/);
    expect(shown.stderr).toMatch(/Nothing was changed. To block these 2 users, run again with --confirm 3/);
    expect((await row('ana')).accountEnabled).toBe(1);
    const wrong = await roster('users', 'block-many', '--file', file, '--confirm', '2');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--confirm 2, but .* names 3 users/);
    expect((await row('ana')).accountEnabled).toBe(1);
  });

  it('blocks then allows sign-in for the users named, exiting 1 when some were refused', async () => {
    const file = usernames('ana, bo, ghost');
    const blocked = await roster('users', 'block-many', '--file', file, '--confirm', '3');
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/^blocked {6}ana@contoso.onmicrosoft.com\nblocked {6}bo@contoso.onmicrosoft.com\n$/);
    expect(blocked.stderr).toMatch(/1 of 3 users not blocked/);
    expect([(await row('ana')).accountEnabled, (await row('bo')).accountEnabled]).toEqual([0, 0]);
    const allowed = await roster('users', 'unblock-many', '--file', usernames('ana,bo'), '--confirm', '2', '--output', 'json');
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout)).toEqual([
      { userPrincipalName: upn('ana'), done: true, reason: null, note: null },
      { userPrincipalName: upn('bo'), done: true, reason: null, note: null },
    ]);
    expect((await row('ana')).accountEnabled).toBe(1);
  });

  it('resets passwords: each printed once, only on standard output, with --no-require-change honoured; a Helpdesk admin skips admins', async () => {
    const file = usernames('ana\ngina\n');
    const helpdesk = await roster(
      'users',
      'reset-many',
      '--file',
      file,
      '--confirm',
      '2',
      '--role',
      'helpdesk_admin',
      '--output',
      'csv',
      '--no-require-change',
    );
    expect(helpdesk.code).toBe(1);
    const [header, ana, gina] = helpdesk.stdout.trim().split('\r\n');
    expect(header).toBe('userPrincipalName,done,reason,note,temporaryPassword');
    const password = ana!.split(',').at(-1)!;
    expect(ana).toMatch(new RegExp(`^${upn('ana')},true,,,`));
    expect(gina).toMatch(/^gina@contoso.onmicrosoft.com,false,Only a Global admin or a User admin can do this to an admin \(Global admin\)\.,,$/);
    const stored = await row('ana');
    expect(await verifyPassword(password, stored.passwordHash)).toBe(true);
    expect(stored.forceChangePassword).toBe(0);
    expect(helpdesk.stderr).not.toContain(password);
    const dump =
      JSON.stringify(await db.db.selectFrom('JobOutcome').selectAll().execute()) + JSON.stringify(await db.db.selectFrom('AuditRecord').selectAll().execute());
    expect(dump).not.toContain(password);
  });

  it('deletes (freeing the licenses) and restores (licenses back, a new password each) the users named; a dry run writes nothing', async () => {
    const file = usernames('bo\ncy\n');
    const dry = await roster('users', 'delete-many', '--file', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/\(dry run\) deleted {6}bo@contoso.onmicrosoft.com {2}Licenses freed: Microsoft 365 Business Basic/);
    expect((await row('bo')).deletedAt).toBeNull();
    const deleted = await roster('users', 'delete-many', '--file', file, '--confirm', '2');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(/^deleted {6}bo@contoso.onmicrosoft.com {2}Licenses freed: Microsoft 365 Business Basic\.\ndeleted {6}cy@/);
    const restored = await roster('users', 'restore-many', '--file', file, '--confirm', '2');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(
      /^restored {5}bo@contoso.onmicrosoft.com {2}temporary password \(shown once\): \S+; Licenses given back: Microsoft 365 Business Basic\.\n/,
    );
    const password = /bo@contoso.onmicrosoft.com {2}temporary password \(shown once\): (\S+);/.exec(restored.stdout)![1]!;
    expect(await verifyPassword(password, (await row('bo')).passwordHash)).toBe(true);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
    const jobs = await roster('jobs', '--output', 'json');
    expect(JSON.parse(jobs.stdout).map((j: { what: string }) => j.what)).toEqual(expect.arrayContaining(['Delete users', 'Restore users', 'Reset passwords']));
  });

  it('refuses an acting role without the permission (exit 3) and a file over the cap', async () => {
    const refused = await roster('users', 'delete-many', '--file', usernames('ana'), '--confirm', '1', '--role', 'helpdesk_admin');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/To delete and restore users you need one of these roles/);
    const many = Array.from({ length: 101 }, (_, i) => `u${i}`).join('\n');
    const over = await roster('users', 'block-many', '--file', usernames(many), '--confirm', '101');
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/At most 100 users at once; 101 were named/);
  });
});
