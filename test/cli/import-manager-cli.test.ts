import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CENTER_2024_FIELDS, adminCenterHeaderLine } from '../../src/core/import/admin-center-layout.js';
import { countRows, createTestDatabase, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { rosterCli } from '../support/run-cli.js';
import { makeUser } from '../core/user-admin-fixture.js';

/** docs/domain.md "Managers": the admin-center CSV with Roster's optional last column, Manager (a username). */
let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await makeUser(db.ctx, 'boss');
  dir = path.dirname(db.url.slice('file:'.length));
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args, '--workspace', TEAM);
const blanks = ADMIN_CENTER_2024_FIELDS.length - 4;
const row = (alias: string, manager: string) =>
  [`${alias}@contoso.onmicrosoft.com`, alias, 'Test', `${alias} Test`, ...Array(blanks).fill(''), manager].join(',');
function csv(name: string, rows: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, [[...adminCenterHeaderLine('admin-center-2024'), 'Manager'].join(','), ...rows].join('\r\n'));
  return file;
}
const managerOf = async (alias: string) => {
  const user = await db.db.selectFrom('DirectoryUser').select('managerId').where('aliasKey', '=', alias).executeTakeFirstOrThrow();
  if (!user.managerId) return null;
  return (await db.db.selectFrom('DirectoryUser').select('aliasKey').where('id', '=', user.managerId).executeTakeFirstOrThrow()).aliasKey;
};

describe('importing users with a Manager column', () => {
  it('checks each row’s manager: an existing user or a row above, never the row itself; unknown ones are named with their row', async () => {
    const file = csv('checked.csv', [
      row('lead', 'boss@contoso.onmicrosoft.com'),
      row('dev', 'lead@contoso.onmicrosoft.com'),
      row('early', 'late@contoso.onmicrosoft.com'),
      row('late', ''),
      row('self', 'self@contoso.onmicrosoft.com'),
      row('odd', 'not a username'),
    ]);
    const { stdout, code } = await roster('import', file, '--dry-run');
    expect(code).toBe(1);
    expect(stdout).toMatch(/ready\s+3/);
    expect(stdout).toContain('row 4 · Manager: Manager late@contoso.onmicrosoft.com not found: no user has this username here, and no row above makes one');
    expect(stdout).toContain("row 6 · Manager: A user can't be their own manager.");
    expect(stdout).toContain('row 7 · Manager: "not a username" is not a username');
    expect(await countRows(db.db, 'DirectoryUser')).toBe(2);
  });

  it('sets the managers of the users it makes, a manager made by a row above included', async () => {
    const file = csv('team.csv', [row('ana', 'boss@contoso.onmicrosoft.com'), row('ben', 'ana@contoso.onmicrosoft.com'), row('cy', '')]);
    const run = await roster('import', file, '--location', 'NL', '--out', path.join(dir, 'team-results.csv'));
    expect(run.code, run.stderr).toBe(0);
    expect([await managerOf('ana'), await managerOf('ben'), await managerOf('cy')]).toEqual(['boss', 'ana', null]);
  });

  it('makes a user whose manager’s row made nobody, saying in the results that the manager was not set', async () => {
    const file = csv('skipped.csv', [row('mgr', 'nobody at all'), row('rep', 'mgr@contoso.onmicrosoft.com')]);
    const results = path.join(dir, 'skipped-results.csv');
    const run = await roster('import', file, '--location', 'NL', '--out', results);
    expect(run.code).toBe(1);
    expect(await managerOf('rep')).toBeNull();
    expect(readFileSync(results, 'utf8')).toContain('manager not set: mgr@contoso.onmicrosoft.com was not created');
  });
});
