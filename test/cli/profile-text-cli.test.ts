/**
 * Security review, issue 20 item 12, at the command line: the same profile text rule as the forms
 * (a command line cannot carry a NUL, so ESC, BEL and zero-width characters stand for the rest).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rosterCli } from '../support/run-cli.js';
import { countRows, createTestDatabase, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { makeUser } from '../core/user-admin-fixture.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await makeUser(db.ctx, 'ana');
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args);
const ana = () => db.db.selectFrom('DirectoryUser').select(['displayName', 'jobTitle', 'department']).where('aliasKey', '=', 'ana').executeTakeFirstOrThrow();

describe('npm run roster -- with invisible or control characters', () => {
  it('users edit refuses them, naming the field', async () => {
    const invisible = await roster('users', 'edit', 'ana', '--display-name', '\u200B\u2060', '--workspace', TEAM);
    expect(invisible.code).toBe(1);
    expect(invisible.stderr).toMatch(/displayName: Display name has no visible characters/);
    const withEscape = await roster('users', 'edit', 'ana', '--job-title', 'Dev\u001B[2J', '--workspace', TEAM);
    expect(withEscape.code).toBe(1);
    expect(withEscape.stderr).toMatch(/jobTitle: Job title holds a control character/);
    expect(await ana()).toEqual({ displayName: 'ana Test', jobTitle: null, department: null });
  });

  it('users edit-many refuses them before anyone is changed', async () => {
    const list = path.join(path.dirname(db.url.slice('file:'.length)), 'people.txt');
    writeFileSync(list, 'ana@contoso.onmicrosoft.com\n');
    const result = await roster('users', 'edit-many', '--file', list, '--department', 'Sales\u0007', '--workspace', TEAM);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/department: Department holds a control character/);
    expect((await ana()).department).toBeNull();
  });

  it('users invite refuses such a guest name', async () => {
    const result = await roster('users', 'invite', 'gus@fabrikam.com', '--name', '\u200B', '--workspace', TEAM);
    expect(result.code).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toMatch(/has no visible characters/);
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('userType', '=', 'guest'))).toBe(0);
  });

  it("setup refuses such a first admin's name, naming --admin-name", async () => {
    const result = await roster('setup', '--workspace', 'T0OTHER', '--name', 'Fabrikam', '--admin-name', '\u200B\u200C');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: --admin-name has no visible characters/);
    expect(await countRows(db.db, 'Tenant')).toBe(1);
  });
});
