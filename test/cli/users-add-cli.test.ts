/** `roster users add --dry-run`: the Add user review at the command line (issue 18 item 9), and --apps-off. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { rosterCli } from '../support/run-cli.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

const TEAMS = productByPartNumber('O365_BUSINESS_ESSENTIALS')!.plans.find((p) => p.name === 'TEAMS1')!;
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: 'business basic', quantity: 1 });
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args);

describe('roster users add --dry-run', () => {
  it('prints what would be created, as the Slack review does, with every rule checked (seats too), and writes nothing', async () => {
    const args = ['users', 'add', 'gil', '--display-name', 'Gil Ng', '--usage-location', 'NL', '--license', 'business basic', '--job-title', 'Engineer'];
    const dry = await roster(...args, '--apps-off', 'TEAMS1', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^\(dry run\) gil@contoso.onmicrosoft.com can be added with Microsoft 365 Business Basic:\n/);
    expect(dry.stdout).toMatch(/ {2}sign-in +allowed\n/);
    expect(dry.stdout).toMatch(/ {2}password +generated \(printed once when the user is added\)\n/);
    expect(dry.stdout).toContain(`Microsoft 365 Business Basic (off: ${TEAMS.displayName})\n`);
    expect(dry.stdout).toMatch(/ {2}job title +Engineer\n/);
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'gil'))).toBe(0);

    const unknownApp = await roster(...args, '--apps-off', 'NOT_A_PLAN', '--dry-run');
    expect(unknownApp.code).toBe(2);
    expect(unknownApp.stderr).toMatch(/--apps-off NOT_A_PLAN: none of the products of --license has this app/);

    expect((await roster(...args, '--apps-off', 'teams1')).code).toBe(0);
    expect((await roster('users', 'show', 'gil')).stdout).toContain(`Microsoft 365 Business Basic (off: ${TEAMS.displayName})`);
    // The only seat is gil's now: the rehearsal says so, as the real run would.
    const noSeat = await roster('users', 'add', 'hal', '--display-name', 'Hal', '--usage-location', 'NL', '--license', 'business basic', '--dry-run');
    expect(noSeat.code).toBe(1);
    expect(noSeat.stderr).toMatch(/Microsoft 365 Business Basic/);
  });
});
