import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { rosterCli } from '../support/run-cli.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args);

describe('npm run roster -- setup (trying Roster without Slack)', () => {
  it('creates the organization and its first Global admin, prints the password once, and the import dry run then works', async () => {
    const { stdout } = await roster('setup', '--workspace', 'T0CLI', '--name', 'Fabrikam', '--admin-name', 'Fiona Admin', '--slack-user', 'U0FIONA');
    expect(stdout).toMatch(/Set up Fabrikam \(fabrikam.onmicrosoft.com\) for workspace T0CLI/);
    expect(stdout).toMatch(/First Global admin: fiona.admin@fabrikam.onmicrosoft.com \(Slack member U0FIONA\)/);
    const password = /Temporary password \(shown once, not stored\): (\S+)/.exec(stdout)![1]!;
    const admin = await db.db.selectFrom('DirectoryUser').selectAll().executeTakeFirstOrThrow();
    expect(admin.slackUserId).toBe('U0FIONA');
    expect(await verifyPassword(password, admin.passwordHash)).toBe(true);
    const audit = await db.db.selectFrom('AuditRecord').select('actorSlackUserId').execute();
    expect(audit.map((a) => a.actorSlackUserId)).toEqual([`cli:${userInfo().username}`, `cli:${userInfo().username}`]);
    expect(JSON.stringify(audit)).not.toContain(password);

    const again = await roster('setup', '--workspace', 'T0CLI', '--name', 'Fabrikam');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already set up as Fabrikam/);

    const file = path.join(path.dirname(db.url.slice('file:'.length)), 'hires.csv');
    writeFileSync(
      file,
      'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region\r\nana@fabrikam.onmicrosoft.com,Ana,,Ana,,,,,,,,,,,,\r\n',
    );
    const dry = await roster('import', file, '--workspace', 'T0CLI', '--dry-run');
    expect((dry as { stdout: string }).stdout).toMatch(/ready\s+1/);
  });

  it('names the option at fault', async () => {
    const missing = await roster('setup', '--workspace', 'T0OTHER');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/roster setup needs --name/);
    const noTeam = await roster('setup', '--workspace', 'notateam', '--name', 'X');
    expect(noTeam.code).toBe(2);
    expect(noTeam.stderr).toMatch(/"notateam" is not a Slack team id/);
    const badExpiry = await roster('setup', '--workspace', 'T0OTHER', '--name', 'X', '--password-expiry-days', '9999');
    expect(badExpiry.code).toBe(1);
    expect(badExpiry.stderr).toMatch(/--password-expiry-days: Enter a whole number of days/);
    const bad = await roster('setup', '--workspace', 'T0OTHER', '--name', 'X', '--domain', 'not a domain');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--domain: /);
  });
});
