import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showUser } from '../../src/core/users/show-user.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const CHANNEL = 'C0GENERAL1';
const text = (value: unknown) => JSON.stringify(value);

beforeAll(async () => {
  r = await startRosterUnderTest();
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  await seedTenant(r.db.ctx, { teamId: r.fake.teamId, slackUserId: OWNER });
});
afterAll(async () => r.stop());

describe('/users settings', () => {
  it('shows the settings, and a Global admin changes the password expiry after setup; every user follows at once', async () => {
    const shown = await r.sim.command('/users', 'settings', { userId: OWNER, channelId: CHANNEL });
    expect(shown.problems).toEqual([]);
    expect(text(shown.body)).toContain('Passwords expire after 90 days');
    expect(text(shown.body)).toContain('Audit records are kept forever');
    const bad = await r.sim.command('/users', 'settings password-expiry 1000', { userId: OWNER, channelId: CHANNEL });
    expect(text(bad.body)).toContain('from 1 to 730, or never (0)');
    const set = await r.sim.command('/users', 'settings password-expiry never', { userId: OWNER, channelId: CHANNEL });
    expect(text(set.body)).toContain('Passwords now never expire (they used to expire after 90 days)');
    await r.quiet();
    const owner = await r.db.db.selectFrom('DirectoryUser').select('userPrincipalName').where('slackUserId', '=', OWNER).executeTakeFirstOrThrow();
    const details = await showUser(r.db.ctx, { teamId: r.fake.teamId, slackUserId: OWNER }, owner.userPrincipalName);
    expect(details.ok && details.user.signIn.passwordExpiresAt).toBeNull();
    const audit = await r.db.db.selectFrom('AuditRecord').select('summary').where('action', '=', 'tenant.password_expiry').execute();
    expect(audit.map((a) => a.summary)).toEqual(['Passwords set never to expire']);
  });
});
