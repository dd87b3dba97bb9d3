import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { rosterCli } from '../support/run-cli.js';

/** `roster import --license` several times or comma separated, with --apps-off (issue 18 item 4); --synced makes no passwords (item 6). */

let db: TestDatabase;
let dir: string;
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const PHONE = productByPartNumber('MCOEV')!;
const HEADER =
  'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  for (const [product, quantity] of [
    ['O365_BUSINESS_ESSENTIALS', 5],
    ['MCOEV', 1],
    ['STANDARDPACK', 2],
    ['ENTERPRISEPACK', 2],
  ] as const)
    await buyLicenses(db.ctx, OWNER, { product, quantity });
  dir = path.dirname(db.url.slice('file:'.length));
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args);

function csv(name: string, aliases: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, [HEADER, ...aliases.map((a) => `${a}@contoso.onmicrosoft.com,${a},,${a},,,,,,,,,,,,`)].join('\r\n'));
  return file;
}

describe('roster import with several products', () => {
  it('refuses an app none of the products has, and products that exclude each other, naming the option; nothing is made', async () => {
    const file = csv('refused.csv', ['zed']);
    const app = await roster('import', file, '--license', 'business basic', '--apps-off', 'NOPE', '--location', 'NL');
    expect(app.code).toBe(1);
    expect(app.stderr).toMatch(/--apps-off NOPE: none of the products of --license has this app/);
    const conflict = await roster('import', file, '--license', 'STANDARDPACK,ENTERPRISEPACK', '--location', 'NL', '--force');
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/error: --license: Office 365 E1 and Office 365 E3 can't both be assigned/);
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('importJobId', 'is not', null))).toBe(0);
  });

  it('--license twice with --apps-off: each user gets both while seats last, then the ones left (--create-unlicensed); the results list them', async () => {
    const file = csv('team.csv', ['ann', 'bob']);
    const { stdout, stderr, code } = await roster(
      'import',
      file,
      '--license',
      'business basic',
      '--license',
      'MCOEV',
      '--apps-off',
      'sway',
      '--location',
      'NL',
      '--create-unlicensed',
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/Done\. 2 created \(1 of them without every product: none left\), 0 not created\./);
    const rows = parse(readFileSync(path.join(dir, 'team-results.csv')), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r['User Name'], r.Licenses, r.Reason])).toEqual([
      ['ann@contoso.onmicrosoft.com', 'Microsoft 365 Business Basic; Microsoft Teams Phone Standard', ''],
      ['bob@contoso.onmicrosoft.com', 'Microsoft 365 Business Basic', 'created without Microsoft Teams Phone Standard: no license left'],
    ]);
    const sway = BASIC.plans.find((p) => p.name === 'SWAY')!;
    const basic = await db.db.selectFrom('LicenseAssignment').select('disabledPlans').where('skuId', '=', BASIC.skuId).execute();
    expect(basic.map((l) => JSON.parse(l.disabledPlans))).toEqual([[sway.id], [sway.id]]);
    expect(await countRows(db.db, 'LicenseAssignment', (q) => q.where('skuId', '=', PHONE.skuId))).toBe(1);
  });

  it('--license separated by commas is the same as given twice', async () => {
    const file = csv('more.csv', ['cy']);
    const { code, stderr } = await roster('import', file, '--license', 'business basic, STANDARDPACK', '--location', 'NL');
    expect(code, stderr).toBe(0);
    const cy = await db.db.selectFrom('DirectoryUser').select('id').where('upnKey', '=', 'cy@contoso.onmicrosoft.com').executeTakeFirstOrThrow();
    expect(await countRows(db.db, 'LicenseAssignment', (q) => q.where('userId', '=', cy.id))).toBe(2);
  });
});

describe('roster import --synced', () => {
  it('makes no temporary password: the results say "password managed on premises", and so does the report', async () => {
    const file = csv('synced.csv', ['sam']);
    const { stdout, stderr, code } = await roster('import', file, '--synced', '--location', 'NL');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/Results \(synced users: password managed on premises, none made\) \(readable only by you\): .*synced-results.csv/);
    const rows = parse(readFileSync(path.join(dir, 'synced-results.csv')), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r['User Name'], r['Temporary password']])).toEqual([['sam@contoso.onmicrosoft.com', 'password managed on premises']]);
    const sam = await db.db
      .selectFrom('DirectoryUser')
      .select(['source', 'passwordHash'])
      .where('upnKey', '=', 'sam@contoso.onmicrosoft.com')
      .executeTakeFirstOrThrow();
    expect(sam).toEqual({ source: 'synced', passwordHash: '' });
  });
});

describe('roster import - (the CSV on standard input)', () => {
  it('imports the users piped in, as a few users at once: the CLI side of Add several users', async () => {
    const bytes = Buffer.from([HEADER, 'pip@contoso.onmicrosoft.com,Pip,,Pip,,,,,,,,,,,,', 'kit@contoso.onmicrosoft.com,Kit,,Kit,,,,,,,,,,,,'].join('\r\n'));
    const out = path.join(dir, 'piped-results.csv');
    const { stdout, stderr, code } = await rosterCli(db, {}, { stdin: bytes })('import', '-', '--license', 'business basic', '--location', 'NL', '--out', out);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^stdin.csv: admin-center-2024/);
    expect(stdout).toMatch(/resume it with: roster import - --resume \S+ --workspace \S+ \(with the same CSV on standard input\)/);
    expect(stdout).toMatch(/Done\. 2 created/);
    const rows = parse(readFileSync(out), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r['User Name'], r.Licenses])).toEqual([
      ['pip@contoso.onmicrosoft.com', 'Microsoft 365 Business Basic'],
      ['kit@contoso.onmicrosoft.com', 'Microsoft 365 Business Basic'],
    ]);
    const empty = await roster('import', '-', '--dry-run');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^error: stdin.csv: /);
  });
});
