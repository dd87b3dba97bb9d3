import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { makeUser } from '../core/user-admin-fixture.js';
import { rosterCli } from '../support/run-cli.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: 'business basic', quantity: 2 });
  for (const alias of ['ana', 'bob']) await makeUser(db.ctx, alias, { usageLocation: 'NL' });
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args, '--workspace', TEAM);
const jobs = () => db.db.selectFrom('Job').select(['id', 'status', 'runAt']).where('kind', '=', 'users.offboard').execute();

describe('roster users offboard, roster users scheduled', () => {
  it('schedules an offboarding at the hour in the time zone, lists, changes and cancels it; --dry-run writes nothing', async () => {
    expect((await roster('settings', '--timezone', 'Nowhere/Else')).stderr).toMatch(/not a time zone[\s\S]*--timezone: An IANA time zone/);
    expect((await roster('settings', '--timezone', 'America/New_York', '--schedule-hour', '8')).stdout).toMatch(/America\/New_York[\s\S]*08:00/);
    expect((await roster('settings')).stdout).toContain('scheduled changes at:   08:00 America/New_York');
    const dry = await roster('users', 'offboard', 'ana', '--last-day', '2027-07-01', '--delete-after', '30', '--dry-run');
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toContain('(dry run, nothing written) ana@contoso.onmicrosoft.com is offboarded on 2027-07-01 at 2027-07-01T12:00:00.000Z');
    expect(await jobs()).toEqual([]);
    const missingDay = await roster('users', 'offboard', 'ana');
    expect(missingDay.code).toBe(2);
    const badDay = await roster('users', 'offboard', 'ana', '--last-day', '2027-13-01');
    expect([badDay.code, badDay.stderr]).toEqual([1, expect.stringContaining('--last-day')]);
    const done = await roster('users', 'offboard', 'ana', '--last-day', '2027-07-01', '--delete-after', '30');
    expect(done.code).toBe(0);
    const [job] = await jobs();
    expect(job?.status).toBe('queued');
    const listed = JSON.parse((await roster('users', 'scheduled', '--output', 'json')).stdout) as Record<string, unknown>[];
    expect(listed).toEqual([
      expect.objectContaining({
        id: job?.id,
        change: 'offboard',
        user: 'ana@contoso.onmicrosoft.com',
        lastDay: '2027-07-01',
        deleteAfterDays: 30,
        requestedBy: expect.stringMatching(/^cli:/),
      }),
    ]);
    const twice = await roster('users', 'offboard', 'ana', '--last-day', '2027-07-02');
    expect([twice.code, twice.stderr]).toEqual([1, expect.stringContaining('scheduled already')]);
    const helpdesk = await roster('users', 'offboard', 'bob', '--last-day', '2027-07-02', '--role', 'helpdesk_admin');
    expect([helpdesk.code, helpdesk.stderr]).toEqual([3, expect.stringContaining('To assign licenses you need')]);
    const changed = await roster('users', 'offboard', 'ana', '--last-day', '2027-08-01', '--change', job!.id);
    expect(changed.stdout).toContain('offboarded on 2027-08-01');
    const open = (await jobs()).filter((j) => j.status === 'queued');
    expect(open).toHaveLength(1);
    const cancelDry = await roster('users', 'scheduled', '--cancel', open[0]!.id, '--dry-run');
    expect(cancelDry.stdout).toContain('(dry run, nothing written) Cancelled the offboarding of ana@contoso.onmicrosoft.com (last day 2027-08-01)');
    expect((await roster('users', 'scheduled', '--cancel', open[0]!.id, '--role', 'helpdesk_admin')).code).toBe(3);
    expect((await roster('users', 'scheduled', '--cancel', open[0]!.id)).code).toBe(0);
    expect((await roster('users', 'scheduled')).stdout).toContain('Nothing is scheduled. Scheduled changes run at 08:00 America/New_York.');
    const audit = await db.db.selectFrom('AuditRecord').select('action').where('action', 'like', 'user.offboard%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['user.offboard_cancelled', 'user.offboard_changed', 'user.offboard_scheduled']);
  });
});
