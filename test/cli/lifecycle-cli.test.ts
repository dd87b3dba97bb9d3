import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { rosterCli } from '../support/run-cli.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 2 });
  await makeUser(db.ctx, 'ana');
  await makeUser(db.ctx, 'bob', { usageLocation: undefined });
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args);

const upn = (alias: string) => `${alias}@contoso.onmicrosoft.com`;

describe('npm run roster -- users|licenses|purge', () => {
  it('assigns with --dry-run (nothing changes), then for real, explaining who was not licensed', async () => {
    const dry = await roster('licenses', 'assign', 'business basic', upn('ana'), upn('bob'), '--workspace', TEAM, '--dry-run');
    expect(dry.stdout).toMatch(/\(dry run\) Assigned Microsoft 365 Business Basic: 1 done, 1 not done/);
    expect(await countRows(db.db, 'LicenseAssignment')).toBe(0);
    const real = await roster('licenses', 'assign', 'business basic', upn('ana'), upn('bob'), '--workspace', TEAM);
    expect(real.stdout).toMatch(/not done {2}bob@contoso.onmicrosoft.com: The user has no usage location/);
    expect(await countRows(db.db, 'LicenseAssignment')).toBe(1);
  });

  it('deletes, restores and records/takes over a self-service subscription; a License admin cannot take over', async () => {
    const deleted = await roster('users', 'delete', upn('ana'), '--workspace', TEAM);
    expect(deleted.stdout).toMatch(/deleted {6}ana@contoso.onmicrosoft.com \(freed Microsoft 365 Business Basic\)/);
    const restored = await roster('users', 'restore', upn('ana'), '--workspace', TEAM);
    expect(restored.stdout).toMatch(/Restored ana@contoso.onmicrosoft.com; temporary password/);
    expect(restored.stdout).toMatch(/Licenses given back: Microsoft 365 Business Basic/);
    await roster('licenses', 'record-self-service', 'STANDARDPACK', '3', '--workspace', TEAM);
    const refused = await roster('licenses', 'takeover', 'STANDARDPACK', '--workspace', TEAM, '--role', 'license_admin');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/To take over self-service subscriptions you need one of these roles: Global admin, Billing admin/);
    const taken = await roster('licenses', 'takeover', 'STANDARDPACK', '--workspace', TEAM, '--role', 'billing_admin');
    expect(taken.stdout).toMatch(/3 seats joined the pool/);
    const purge = await roster('purge');
    expect(purge.stdout).toMatch(/Removed for good: 0/);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });

  it('buys seats (a dry run buys nothing); a License admin may not buy', async () => {
    const pools = () => db.db.selectFrom('LicensePool').select(['partNumber', 'total']).where('partNumber', '=', 'ENTERPRISEPACK').execute();
    const dry = await roster('licenses', 'buy', 'ENTERPRISEPACK', '5', '--workspace', TEAM, '--dry-run');
    expect(dry.stdout).toMatch(/\(dry run\) Bought 5 Office 365 E3: 5 licenses, 5 available/);
    expect(await pools()).toEqual([]);
    const refused = await roster('licenses', 'buy', 'ENTERPRISEPACK', '5', '--workspace', TEAM, '--role', 'license_admin');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/you need one of these roles: Global admin, Billing admin/);
    const bought = await roster('licenses', 'buy', 'ENTERPRISEPACK', '5', '--workspace', TEAM);
    expect(bought.stdout).toMatch(/^Bought 5 Office 365 E3: 5 licenses, 5 available\./);
    expect(await pools()).toEqual([{ partNumber: 'ENTERPRISEPACK', total: 5 }]);
    const many = await roster('licenses', 'buy', 'ENTERPRISEPACK', 'many', '--workspace', TEAM);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/the quantity must be a whole number, not "many"/);
  });
});
