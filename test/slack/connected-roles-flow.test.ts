import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/core/jobs/enqueue.js';
import { waitForJob } from '../jobs/wait-for-job.js';
import { MEMBER_LINKS } from '../../src/slack/services/member-links.js';
import { connectToFake } from '../support/connected-tenant.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';
import { GLOBAL_ADMINISTRATOR, WRITE_PERMISSIONS } from '../microsoft/tenant-support.js';

/** Issue 16 item 6 in Slack: members are linked to their tenant users by email, and act with their Entra roles. */
let r: RosterUnderTest;
let graph: FakeGraph;
const OWNER = 'U0OWNER';
const HAL = 'U0HAL';
const KIM = 'U0KIM';
const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const text = (value: unknown) => JSON.stringify(value);

beforeAll(async () => {
  graph = await startFakeGraph({ displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com' });
  const app = graph.registerApp({ permissions: [...WRITE_PERMISSIONS, 'RoleManagement.Read.Directory'], roles: ['User Administrator'] });
  r = await startRosterUnderTest({ graph });
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  r.fake.seedUser({ id: HAL, realName: 'Hal Helpdesk', email: 'Hal@Contoso.onmicrosoft.com' });
  r.fake.seedUser({ id: KIM, realName: 'Kim Keller', email: 'kim.keller@gmail.com' });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  const { admin } = await seedTenant(r.db.ctx, owner);
  graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName, displayName: 'Olivia Owner' });
  graph.tenant.assignRole(admin.userPrincipalName, GLOBAL_ADMINISTRATOR);
  graph.tenant.addUser({ userPrincipalName: 'hal@contoso.onmicrosoft.com', displayName: 'Hal Helpdesk' });
  graph.tenant.assignRole('hal@contoso.onmicrosoft.com', HELPDESK);
  graph.tenant.addUser({ userPrincipalName: 'kim@contoso.onmicrosoft.com', displayName: 'Kim Keller' });
  const synced = await connectToFake(r.db, owner, graph, app);
  if (synced.status !== 'succeeded') throw new Error(synced.error ?? 'sync failed');
});
afterAll(async () => {
  await r.stop();
  await graph.close();
});

const slackLinkOf = async (upn: string) =>
  (await r.db.db.selectFrom('DirectoryUser').select('slackUserId').where('upnKey', '=', upn).executeTakeFirstOrThrow()).slackUserId;

describe('members of a connected organization', () => {
  it('are linked to the tenant user whose username is their Slack email, and act with that user’s Entra roles', async () => {
    const before = await r.sim.command('/users', 'jobs', { userId: HAL });
    expect(text(before.body)).toMatch(/no admin role|need one of these roles/i);
    // The app's runner takes the job (as the schedule's every 5 minutes).
    const job = await enqueue(r.db.ctx, { tenantId: null, kind: MEMBER_LINKS.kind, payload: {}, requestedBy: 'roster:test' });
    expect((await waitForJob(r.db.db, job.id, 'succeeded')).result).toMatchObject({ linked: 1 });
    expect(await slackLinkOf('hal@contoso.onmicrosoft.com')).toBe(HAL);
    const after = await r.sim.command('/users', 'jobs', { userId: HAL });
    expect(text(after.body)).not.toMatch(/no admin role|need one of these roles/i);
  });

  it('/users link links by hand a member whose Slack email is not their tenant username', async () => {
    const usage = await r.sim.command('/users', 'link kim@contoso.onmicrosoft.com', { userId: OWNER });
    expect(text(usage.body)).toContain('Copy member ID');
    const before = r.fake.calls().length;
    const res = await r.sim.command('/users', `link kim@contoso.onmicrosoft.com <@${KIM}|kim>`, { userId: OWNER });
    expect(res.problems).toEqual([]);
    await r.fake.waitFor((c) => text(c.args).includes('is now'), { after: before });
    expect(await slackLinkOf('kim@contoso.onmicrosoft.com')).toBe(KIM);
    const refused = r.fake.calls().length;
    await r.sim.command('/users', `link hal@contoso.onmicrosoft.com ${KIM}`, { userId: HAL });
    await r.fake.waitFor((c) => c.method === '$response_url' && text(c.args).includes('connect or disconnect Microsoft 365'), { after: refused });
  });
});
