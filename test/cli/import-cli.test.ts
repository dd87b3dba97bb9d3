import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRA_TEMPLATE_HEADERS } from '../../src/core/import/index.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { rosterCli } from '../support/run-cli.js';

let db: TestDatabase;
let dir: string;
let file: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: 'business basic', quantity: 2 });
  dir = path.dirname(db.url.slice('file:'.length));
  file = path.join(dir, 'hires.csv');
  writeFileSync(
    file,
    [
      'Gebruikersnaam;Voornaam;Achternaam;Weergavenaam;Functie;Afdeling;Toestelnummer;Zakelijk nummer;Mobiel nummer;Faxnummer;Alternatief e-mailadres;Adres;Plaats;Provincie;Postcode;Land of regio',
      'jan@contoso.onmicrosoft.com;Jan;Jansen;Jan Jansen;;;;;;;;;;;;',
      'piet@contoso.onmicrosoft.com;Piet;Pietersen;Piet Pietersen;;;;;;;;;;;;',
      'kees@contoso.onmicrosoft.com;Kees;;Kees;;;;;;;;;;;;',
      'bad name@contoso.onmicrosoft.com;Bad;;Bad;;;;;;;;;;;;',
    ].join('\r\n'),
  );
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args);

describe('npm run roster -- import', () => {
  it('--dry-run prints the verification and writes nothing', async () => {
    const { stdout, code } = await roster('import', file, '--workspace', TEAM, '--dry-run');
    expect(code).toBe(1); // a row has a problem
    expect(stdout).toMatch(/rows read\s+4/);
    expect(stdout).toMatch(/ready\s+3/);
    expect(stdout).toMatch(/row 5 · Gebruikersnaam: The username can't contain space/);
    expect(stdout).toMatch(
      /Microsoft 365 Business Basic \(O365_BUSINESS_ESSENTIALS\) 2 of 2 available; 1 short \(roster licenses buy O365_BUSINESS_ESSENTIALS 1\)/,
    );
    expect(stdout).toMatch(/Dry run: nothing was written/);
    expect(existsSync(path.join(dir, 'hires-problems.csv'))).toBe(false);
    expect(await countRows(db.db, 'DirectoryUser')).toBe(1);
    // --problems asks for the file, even on a dry run.
    const problems = path.join(dir, 'asked-problems.csv');
    expect((await roster('import', file, '--dry-run', '--problems', problems)).stdout).toMatch(/All 1 problems: .*asked-problems.csv/);
    expect(readFileSync(problems, 'utf8')).toMatch(/can't contain space/);
  });

  it("--dry-run says which row was skipped as Microsoft's example, and why", async () => {
    const entra = path.join(dir, 'entra.csv');
    const header = ENTRA_TEMPLATE_HEADERS.join(',');
    writeFileSync(
      entra,
      ['version:v1.0', header, 'Chris Green,chris@contoso.com,,No,Chris,Green,IT Manager', 'Ana,ana@contoso.onmicrosoft.com,,No'].join('\r\n'),
    );
    const { stdout } = await roster('import', entra, '--workspace', TEAM, '--dry-run');
    expect(stdout).toMatch(/rows read\s+1\n/);
    expect(stdout).toContain("Row 3 was skipped: it is Microsoft's example row from the Entra template (Chris Green at contoso.com");
  });

  it('names a missing option and exits non-zero', async () => {
    const noFile = await roster('import', '--workspace', TEAM);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/name the CSV file: roster import <file.csv>/);
    const noLocation = await roster('import', file, '--workspace', TEAM, '--license', 'business basic');
    expect(noLocation.code).toBe(1);
    expect(noLocation.stderr).toMatch(/error: --location: Choose a usage location/);
  });

  it('imports with a license, as many as there are seats, and writes the results with passwords to a private file', async () => {
    // With one organization in the database, no --workspace is needed.
    const { stdout, stderr, code } = await roster('import', file, '--license', 'business basic', '--location', 'NL');
    expect(stdout).toMatch(/Done\. 2 created, 2 not created \(1 problems in the row, 1 no license left\)/);
    // Rows refused: exit 1, so a script can tell it from a success.
    expect(code).toBe(1);
    expect(stderr).toMatch(/2 of 4 rows were not created/);
    const results = path.join(dir, 'hires-results.csv');
    expect(statSync(results).mode & 0o777).toBe(0o600);
    const text = readFileSync(results, 'utf8');
    expect(text.startsWith('\uFEFFRow,User Name')).toBe(true);
    expect(text).toMatch(/jan@contoso.onmicrosoft.com,Jan Jansen,\S{16},Created/);
    expect(stdout).not.toMatch(/Created/);
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('importJobId', 'is not', null))).toBe(2);
  });
});

describe('roster import with - as a file', () => {
  it('--out - writes the results to standard output and the report to standard error, making no file', async () => {
    const more = path.join(dir, 'more.csv');
    writeFileSync(more, `${readFileSync(file, 'utf8').split('\r\n')[0]}\r\nmia@contoso.onmicrosoft.com;Mia;;Mia;;;;;;;;;;;;\r\n`);
    const { code, stdout, stderr } = await roster('import', more, '--out', '-');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^\uFEFFRow,User Name/);
    expect(stdout).toMatch(/mia@contoso.onmicrosoft.com,Mia,\S{16},Created/);
    expect(stderr).toMatch(/Done\. 1 created/);
    expect(existsSync('-')).toBe(false);
    expect(existsSync(path.join(dir, '-'))).toBe(false);
  });
});

describe('npm run roster -- import-channel', () => {
  it('adds, lists and removes an import channel; a role without create_users is refused', async () => {
    expect((await roster('import-channel', 'add', 'C0CLICHAN1', '--workspace', TEAM)).stdout).toMatch(/C0CLICHAN1 is now an import channel/);
    expect((await roster('import-channel', 'list', '--workspace', TEAM)).stdout).toMatch(/^C0CLICHAN1 {2}added by cli:/m);
    const refused = await roster('import-channel', 'remove', 'C0CLICHAN1', '--workspace', TEAM, '--role', 'license_admin');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/To add users you need one of these roles: Global admin, User admin/);
    expect((await roster('import-channel', 'remove', 'C0CLICHAN1', '--workspace', TEAM)).stdout).toMatch(/no longer an import channel/);
    expect(await countRows(db.db, 'ImportChannel')).toBe(0);
  });
});
