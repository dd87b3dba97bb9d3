import { subDays } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEATS } from '../../src/slack/views/seat-ids.js';
import { BASIC } from '../lifecycle/helpers.js';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { connectToFake } from '../support/connected-tenant.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';
import { addProduct, WRITE_PERMISSIONS } from '../microsoft/tenant-support.js';

// `/licenses reclaim` on a connected tenant whose sign-in activity Roster reads: inactive users
// are proposed with why, and Keep / Reclaim work for them as for blocked users.
let r: RosterUnderTest;
let graph: FakeGraph;
const OWNER = 'U0OWNER';
const CHANNEL = 'C0GENERAL1';
type Block = { type: string; block_id?: string; text?: { text: string }; elements?: { action_id?: string; value?: string; confirm?: unknown }[] };
type Message = { text: string; blocks: Block[] };
const text = (value: unknown) => JSON.stringify(value);
let ts = 100;

async function press(message: Message, actionId: string, value: string): Promise<Message> {
  const before = r.fake.calls().length;
  const blockId = message.blocks.find((b) => b.elements?.some((e) => e.action_id === actionId && e.value === value))?.block_id;
  await r.sim.blockAction({ userId: OWNER, actionId, blockId, message: { ...message, ts: `1700000000.000${ts++}`, channel: CHANNEL }, channelId: CHANNEL });
  return (await r.fake.waitFor('$response_url', { after: before })).args as Message;
}

const idOf = async (upn: string) => (await r.db.db.selectFrom('DirectoryUser').select('id').where('upnKey', '=', upn).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  graph = await startFakeGraph({ displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com' });
  const app = graph.registerApp({ permissions: [...WRITE_PERMISSIONS, 'AuditLog.Read.All'], roles: ['User Administrator'] });
  r = await startRosterUnderTest({ graph });
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  const { admin } = await seedTenant(r.db.ctx, owner);
  addProduct(graph, BASIC, 10);
  const now = new Date();
  const license = [{ skuId: BASIC.skuId, disabledPlans: [] }];
  graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName, displayName: 'Olivia Owner', usageLocation: 'NL' });
  graph.tenant.signIn(admin.userPrincipalName, now);
  for (const alias of ['ida', 'ivo'])
    graph.tenant.addUser({
      userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
      displayName: `${alias} <Idle> & Co`,
      createdDateTime: subDays(now, 400).toISOString(),
      usageLocation: 'NL',
      assignedLicenses: license,
    });
  graph.tenant.signIn('ida@contoso.onmicrosoft.com', subDays(now, 97));
  const synced = await connectToFake(r.db, owner, graph, app);
  if (synced.status !== 'succeeded') throw new Error(synced.error ?? 'sync failed');
  await r.quiet();
});
afterAll(async () => {
  await r.stop();
  await graph.close();
});

describe('/licenses reclaim on a connected tenant whose sign-in activity is read', () => {
  it('lists inactive users with why; Keep and Reclaim act on them; the connect status says sign-in activity is read', async () => {
    const shown = await r.sim.command('/licenses', 'reclaim', { userId: OWNER, channelId: CHANNEL });
    expect(shown.problems).toEqual([]);
    const report = shown.body as Message;
    expect(validateMessageBlocks(report.blocks)).toEqual([]);
    expect(text(report)).toContain('2 users not signed in for 90 days hold 2 licenses.');
    expect(text(report)).toContain('*ida &lt;Idle&gt; &amp; Co* `ida@contoso.onmicrosoft.com` · no sign-in for 97 days');
    expect(text(report)).toContain('*ivo &lt;Idle&gt; &amp; Co* `ivo@contoso.onmicrosoft.com` · never signed in, created 400 days ago');
    expect(text(report)).toMatch(/Users allowed to sign in who have not for 90 days are proposed too \(sign-in activity as the sync read it <!date\^\d+\^/);

    const kept = await press(report, SEATS.keepUser, await idOf('ida@contoso.onmicrosoft.com'));
    expect(text(kept)).toContain('Kept ida@contoso.onmicrosoft.com');
    expect(text(kept)).toContain('1 user not signed in for 90 days holds 1 license');
    expect(text(kept)).toMatch(/Kept: `ida@contoso\.onmicrosoft\.com` until/);
    const reclaimed = await press(kept, SEATS.reclaimUser, await idOf('ivo@contoso.onmicrosoft.com'));
    expect(text(reclaimed)).toContain('Reclaimed a license from ivo@contoso.onmicrosoft.com.');
    expect(graph.tenant.find('ivo@contoso.onmicrosoft.com')!.user.assignedLicenses).toEqual([]);

    const days = await r.sim.command('/licenses', 'reclaim inactive-days 30', { userId: OWNER, channelId: CHANNEL });
    expect(text(days.body)).toContain('Users not signed in for 30 days (was 90) are now proposed');
    await r.quiet();
    expect(text((await r.sim.command('/licenses', 'reclaim', { userId: OWNER, channelId: CHANNEL })).body)).toContain('have not for 30 days');

    const status = await r.sim.command('/users', 'connect', { userId: OWNER, channelId: CHANNEL });
    expect(text(status.body)).toMatch(/\*Sign-in activity:\* read at each sync, every few hours \(last read <!date\^\d+\^/);
  });
});
