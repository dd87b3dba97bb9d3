import { subDays } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSync } from '../../src/core/microsoft/sync-request.js';
import { BASIC } from '../lifecycle/helpers.js';
import { connectedWorld, WRITE_PERMISSIONS, type ConnectedWorld } from '../microsoft/tenant-support.js';
import { rosterCli } from '../support/run-cli.js';
import { OWNER } from '../support/test-db.js';

// `roster licenses reclaim` on a connected tenant: inactive users with why, the inactive days, the
// connect status line about sign-in activity.
let w: ConnectedWorld;
const roster = (...args: string[]) => rosterCli(w.db, { MICROSOFT_GRAPH_URL: w.graph.graphUrl, MICROSOFT_LOGIN_URL: w.graph.loginUrl })(...args);

beforeAll(async () => {
  w = await connectedWorld({ permissions: [...WRITE_PERMISSIONS, 'AuditLog.Read.All'] });
  const now = new Date();
  w.graph.tenant.addUser({
    userPrincipalName: 'ida@contoso.com',
    displayName: 'Ida Idle',
    createdDateTime: subDays(now, 400).toISOString(),
    usageLocation: 'NL',
    assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
  });
  w.graph.tenant.signIn('ida@contoso.com', subDays(now, 45));
  const asked = await requestSync(w.db.ctx, OWNER);
  if (!asked.ok) throw new Error(asked.message);
  await w.db.runtime.jobs.runNow(asked.jobId);
});
afterAll(async () => w.close());

describe('roster licenses reclaim on a connected tenant', () => {
  it('sets the inactive days (Global or Billing admins, 1 to 365), lists inactive users with why, reclaims them through the tenant', async () => {
    const none = await roster('licenses', 'reclaim');
    expect(none.stdout).toContain('Nobody to propose: every licensed user may sign in and has within 90 days');
    expect(none.stdout).toMatch(/Users allowed to sign in who have not for 90 days are proposed too \(sign-in activity as the sync read it \d{4}-/);
    expect((await roster('licenses', 'reclaim', 'inactive-days', '0')).stderr).toContain('1 to 365 days without a sign-in, not "0"');
    expect((await roster('licenses', 'reclaim', 'inactive-days', '30', '--role', 'license_admin')).code).toBe(3);
    const rehearsed = await roster('licenses', 'reclaim', 'inactive-days', '30', '--dry-run');
    expect(rehearsed.stdout).toContain('(dry run) Users not signed in for 30 days (was 90) are now proposed');
    expect((await roster('licenses', 'reclaim')).stdout).toContain('Nobody to propose');
    expect((await roster('licenses', 'reclaim', 'inactive-days', '30', '--role', 'billing_admin')).code).toBe(0);

    const report = await roster('licenses', 'reclaim');
    expect(report.stdout).toMatch(/ida@contoso\.com +no sign-in for 45 days +Microsoft 365 Business Basic/);
    expect(report.stdout).toContain('1 user not signed in for 30 days holds 1 license; no price for Microsoft 365 Business Basic');
    const json = JSON.parse((await roster('licenses', 'reclaim', '--output', 'json')).stdout) as Record<string, unknown>[];
    expect(json).toEqual([expect.objectContaining({ userPrincipalName: 'ida@contoso.com', reason: 'no sign-in for 45 days' })]);

    const done = await roster('licenses', 'reclaim', '--confirm', '1');
    expect(done.stdout).toContain('reclaimed  ida@contoso.com  Microsoft 365 Business Basic');
    expect(w.graph.tenant.find('ida@contoso.com')!.user.assignedLicenses).toEqual([]);

    const status = await roster('connect', '--status');
    expect(status.stdout).toMatch(/ {2}sign-in activity: read at each sync, every few hours \(last read \d{4}-/);
  });
});
