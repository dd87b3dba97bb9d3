/**
 * The commands the CLI lacked (issue 19, items 1 and 2): users add and show, licenses (seats),
 * views, audit; their --output json and csv, exit codes, and messages that speak CLI, not Slack.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { rosterCli } from '../support/run-cli.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: 'business basic', quantity: 2 });
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args);
const hash = (alias: string) =>
  db.db
    .selectFrom('DirectoryUser')
    .select('passwordHash')
    .where('aliasKey', '=', alias)
    .executeTakeFirstOrThrow()
    .then((u) => u.passwordHash);

describe('roster users add and show', () => {
  it('adds a user, printing the temporary password once; --output json gives it as a field', async () => {
    const dry = await roster('users', 'add', 'chloe', '--display-name', 'Chloe Li', '--usage-location', 'NL', '--dry-run');
    expect(dry.stdout).toMatch(/\(dry run\) chloe@contoso.onmicrosoft.com can be added/);
    const added = await roster('users', 'add', 'chloe', '--display-name', 'Chloe Li', '--usage-location', 'NL', '--license', 'business basic');
    expect(added.code).toBe(0);
    const password = /Temporary password \(shown once, to be changed at the first sign-in\): (\S+)/.exec(added.stdout)?.[1];
    expect(await verifyPassword(password!, await hash('chloe'))).toBe(true);
    const json = await roster('users', 'add', 'dan@contoso.onmicrosoft.com', '--display-name', 'Dan', '--usage-location', 'DE', '--output', 'json');
    const record = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual([
      'userPrincipalName',
      'displayName',
      'temporaryPassword',
      'mustChangeAtNextSignIn',
      'passwordExpiresAt',
      'licenses',
      'roles',
    ]);
    expect(await verifyPassword(String(record.temporaryPassword), await hash('dan'))).toBe(true);
    const pw = path.join(path.dirname(db.url.slice('file:'.length)), 'pw.txt');
    writeFileSync(pw, 'Chosen-Pass-77\n');
    const chosen = await roster('users', 'add', 'fay', '--display-name', 'Fay', '--password-file', pw);
    expect(chosen.stdout).not.toContain('Chosen-Pass-77');
    expect(await verifyPassword('Chosen-Pass-77', await hash('fay'))).toBe(true);
    const taken = await roster('users', 'add', 'chloe', '--display-name', 'Chloe again');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^error: /);
  });

  it('shows a user by full username or alias, as text, json and csv', async () => {
    expect((await roster('users', 'show', 'chloe')).stdout).toMatch(
      /^Chloe Li <chloe@contoso.onmicrosoft.com>\n[\s\S]*licenses {9}Microsoft 365 Business Basic/,
    );
    const json = JSON.parse((await roster('users', 'show', 'chloe@contoso.onmicrosoft.com', '--output', 'json')).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      userPrincipalName: 'chloe@contoso.onmicrosoft.com',
      signInAllowed: true,
      usageLocation: 'NL',
      licenses: ['O365_BUSINESS_ESSENTIALS'],
    });
    const csv = (await roster('users', 'show', 'chloe', '--output', 'csv')).stdout.split('\r\n');
    expect(csv[0]).toMatch(/^userPrincipalName,displayName,/);
    expect(csv[1]).toMatch(/^chloe@contoso.onmicrosoft.com,Chloe Li,/);
    const nobody = await roster('users', 'show', 'nobody');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/roster find <text>/);
    expect(nobody.stderr).not.toMatch(/App Home|\/users/);
  });
});

describe('roster licenses', () => {
  it('lists the seats as text, json (documented fields) and csv (a header)', async () => {
    expect((await roster('licenses')).stdout).toMatch(/Microsoft 365 Business Basic\s+O365_BUSINESS_ESSENTIALS\s+1 of 2 assigned, 1 available/);
    const json = JSON.parse((await roster('licenses', '--output', 'json')).stdout);
    expect(json).toEqual([{ partNumber: 'O365_BUSINESS_ESSENTIALS', product: 'Microsoft 365 Business Basic', total: 2, assigned: 1, available: 1 }]);
    expect((await roster('licenses', '--output', 'csv')).stdout).toBe(
      'partNumber,product,total,assigned,available\r\nO365_BUSINESS_ESSENTIALS,Microsoft 365 Business Basic,2,1,1\r\n',
    );
  });

  it('assigns by alias as users block does, and says so at the command line, not in Slack', async () => {
    const assigned = await roster('licenses', 'assign', 'business basic', 'dan');
    expect(assigned.stdout).toMatch(/done {6}dan@contoso.onmicrosoft.com/);
    const notOwned = await roster('licenses', 'assign', 'SPB', 'dan');
    expect(notOwned.code).toBe(1);
    expect(notOwned.stderr).toMatch(/roster licenses buy SPB <quantity>/);
    expect(notOwned.stderr).not.toMatch(/\/licenses/);
    const ambiguous = await roster('licenses', 'buy', 'office', '1');
    expect(ambiguous.code).toBe(1);
    const [first, ...rest] = ambiguous.stderr.trim().split('\n');
    expect(rest).toEqual([]);
    expect(first).toMatch(/matches \d+ products/);
    const holders = JSON.parse((await roster('licenses', 'users', 'business basic', '--output', 'json')).stdout);
    expect(holders.map((h: { userPrincipalName: string }) => h.userPrincipalName).sort()).toEqual([
      'chloe@contoso.onmicrosoft.com',
      'dan@contoso.onmicrosoft.com',
    ]);
  });

  it('exits 3 when the acting role may not, and 1 when some users were refused', async () => {
    expect((await roster('licenses', 'buy', 'business basic', '1', '--role', 'license_admin')).code).toBe(3);
    expect((await roster('users', 'add', 'eve', '--display-name', 'Eve', '--role', 'license_admin')).code).toBe(3);
    const partly = await roster('users', 'delete', 'dan', 'ghost@contoso.onmicrosoft.com', '--dry-run');
    expect(partly.code).toBe(1);
    expect(partly.stderr).toMatch(/1 of 2 users not deleted/);
    const rows = JSON.parse((await roster('users', 'delete', 'dan', 'ghost@contoso.onmicrosoft.com', '--dry-run', '--output', 'json')).stdout);
    expect(rows).toEqual([
      { userPrincipalName: 'dan@contoso.onmicrosoft.com', deleted: true, licensesFreed: ['Microsoft 365 Business Basic'], reason: null },
      { userPrincipalName: 'ghost@contoso.onmicrosoft.com', deleted: false, licensesFreed: [], reason: expect.any(String) },
    ]);
    const assign = await roster('licenses', 'unassign', 'business basic', 'chloe', 'ghost', '--dry-run', '--output', 'csv');
    expect(assign.code).toBe(1);
    expect(assign.stdout.split('\r\n').slice(0, 2)).toEqual(['userPrincipalName,done,reason', 'chloe@contoso.onmicrosoft.com,true,']);
    expect(assign.stderr).toMatch(/1 of 2 users not changed/);
  });
});

describe('roster views', () => {
  it('creates, lists, edits and deletes a custom view', async () => {
    expect((await roster('views', 'create', 'Sales NL', '--department', 'Sales', '--usage-location', 'nl')).stdout).toMatch(/Created the view "Sales NL"/);
    const refused = await roster('views', 'create', 'Nothing');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Choose at least one condition/);
    expect((await roster('views', 'edit', 'sales nl', '--usage-location', 'BE', '--name', 'Sales BE')).stdout).toMatch(/Saved the view "Sales BE"/);
    const listed = JSON.parse((await roster('views', '--output', 'json')).stdout);
    expect(listed).toEqual([{ id: expect.any(String), name: 'Sales BE', conditions: 'Usage location: BE · Department: Sales' }]);
    expect((await roster('list', 'Sales BE')).code).toBe(0);
    expect((await roster('views', 'delete', 'Sales BE')).stdout).toMatch(/Deleted the view "Sales BE"/);
    expect((await roster('views', 'delete', 'Sales BE')).stderr).toMatch(/No custom view named "Sales BE"; `roster views` lists them/);
    expect((await roster('views', 'create', 'X', '--department', 'x', '--role', 'license_admin')).code).toBe(3);
  });
});

describe('roster audit', () => {
  it('pages through every record as json or csv, with the filters of /users audit', async () => {
    const all = JSON.parse((await roster('audit', '--output', 'json')).stdout) as Record<string, unknown>[];
    expect(all.length).toBeGreaterThan(5);
    expect(Object.keys(all[0]!)).toEqual(['at', 'actor', 'action', 'targetType', 'targetId', 'changedFields', 'summary']);
    const about = JSON.parse((await roster('audit', '--user', 'dan', '--action', 'user.', '--output', 'json')).stdout) as { action: string }[];
    expect(about.map((e) => e.action)).toEqual(['user.licenses', 'user.create']);
    const by = await roster('audit', '--by', `cli:${(await import('node:os')).userInfo().username}`, '--since', '1d', '--output', 'csv', '--limit', '2');
    const lines = by.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,actor,action,targetType,targetId,changedFields,summary');
    expect(lines).toHaveLength(3);
    expect(by.stderr).toMatch(/there are more/);
    expect((await roster('audit', '--limit', '1')).stdout.split('\n').filter(Boolean)).toHaveLength(2); // a record and the "more" line
    const until = JSON.parse((await roster('audit', '--until', '2000-01-01', '--output', 'json')).stdout);
    expect(until).toEqual([]);
    const bad = await roster('audit', '--since', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since: "yesterday" is not a day/);
  });
});
