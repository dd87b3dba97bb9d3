import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/views/ids.js';
import { makeUser, BASIC } from '../lifecycle/helpers.js';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { startFakeGraph, type FakeApp, type FakeGraph } from '../support/fake-graph.js';
import { plainText, radio } from '../support/slack-requests.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';

let r: RosterUnderTest;
let graph: FakeGraph;
let app: FakeApp;
let zed = '';
const OWNER = 'U0OWNER';
const CHANNEL = 'C0GENERAL1';
type Message = { text: string; blocks: { type: string; elements?: { action_id?: string; style?: string; confirm?: unknown }[] }[] };
const buttons = (message: Message) => message.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
const viewOf = (call: { response: unknown }) => r.fake.viewRecord((call.response as { view: { id: string } }).view.id)!.view;

beforeAll(async () => {
  graph = await startFakeGraph({ displayName: 'Contoso Ltd' });
  app = graph.registerApp();
  r = await startRosterUnderTest({ graph });
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  const { admin } = await seedTenant(r.db.ctx, owner);
  zed = (await makeUser(r.db.ctx, 'zed', {}, owner)).upn;
  graph.tenant.addSku({ skuId: BASIC.skuId, skuPartNumber: BASIC.partNumber, enabled: 10 });
  graph.tenant.addUser({
    userPrincipalName: admin.userPrincipalName,
    displayName: 'Olivia Owner',
    assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
  });
  graph.tenant.addUser({ userPrincipalName: 'ben@contoso.onmicrosoft.com', displayName: 'Ben <Bright> & Co' });
});
afterAll(async () => {
  await r.stop();
  await graph.close();
});

describe('/users connect in Slack', () => {
  it('opens the form, says what failed after the ack, shows what connecting will do, connects, syncs and DMs; the secret is never sent to Slack or logged', async () => {
    const before = r.fake.calls().length;
    const acked = await r.sim.command('/users', 'connect', { userId: OWNER, channelId: CHANNEL });
    expect(acked.problems).toEqual([]);
    const form = viewOf(await r.fake.waitFor('views.open', { after: before }));
    expect(JSON.stringify(form)).toContain('Connect Microsoft 365');

    const typo = await r.sim.viewSubmission(
      form,
      { tenant: { value: plainText('not a tenant') }, clientId: { value: plainText(app.clientId) }, clientSecret: { value: plainText('x') } },
      { userId: OWNER },
    );
    expect(typo.body).toMatchObject({ response_action: 'errors', errors: { tenant: expect.stringMatching(/Tenant ID/) } });

    const wrongAt = r.fake.calls().length;
    const wrong = await r.sim.viewSubmission(
      form,
      { tenant: { value: plainText(graph.tenant.id) }, clientId: { value: plainText(app.clientId) }, clientSecret: { value: plainText('wrong~secret') } },
      { userId: OWNER },
    );
    expect(wrong.body).toMatchObject({ response_action: 'update' });
    const again = JSON.stringify((await r.fake.waitFor('views.update', { after: wrongAt })).args.view);
    expect(again).toContain('refused the client secret (AADSTS7000215)');
    expect(again).toContain(graph.tenant.id);

    const rightAt = r.fake.calls().length;
    await r.sim.viewSubmission(
      form,
      { tenant: { value: plainText(graph.tenant.id) }, clientId: { value: plainText(app.clientId) }, clientSecret: { value: plainText(app.secret) } },
      { userId: OWNER },
    );
    const review = JSON.stringify(
      (await r.fake.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.args.view).includes('roster_connect_review'), { after: rightAt })).args.view,
    );
    expect(review).toContain(`${zed} (zed Test)`);
    expect(review).toMatch(/\*1\* user of Roster's directory is in the tenant/);

    // Slack submits the review only with a choice for the users not in the tenant (a required input); the core refuses without one too.
    const connectAt = r.fake.calls().length;
    await r.sim.viewSubmission(form, { missing: { value: radio('leave_out') } }, { userId: OWNER });
    const connected = await r.fake.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.args.view).includes('Connected to'), { after: connectAt });
    expect(JSON.stringify(connected.args.view)).toContain('Connected to *Contoso Ltd*');
    const dm = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && String(c.args.text).startsWith('Synced Contoso Ltd'), {
      after: connectAt,
      timeoutMs: 10_000,
    });
    expect(String(dm.args.text)).toBe('Synced Contoso Ltd: 2 users read (1 added, 1 changed, 1 removed), 1 products, 1 domains.');

    const listed = await r.sim.command('/users', 'find ben', { userId: OWNER, channelId: CHANNEL });
    expect(JSON.stringify(listed.body)).toContain('Ben &lt;Bright&gt; &amp; Co');

    const everything = JSON.stringify(r.fake.calls().map((c) => c.args)) + r.logs.join('\n');
    expect(everything).not.toContain(app.secret);
  });

  it('on a connected organization shows the tenant, the last sync, Sync now and a red Disconnect that asks first', async () => {
    const shown = await r.sim.command('/users', 'connect', { userId: OWNER, channelId: CHANNEL });
    const message = shown.body as Message;
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(JSON.stringify(message)).toContain('Microsoft 365: Contoso Ltd');
    expect(JSON.stringify(message)).toMatch(/2 users read/);
    // The app was not granted RoleManagement.Read.Directory: the roles are Roster's own, and it says so.
    expect(JSON.stringify(message)).toContain(
      "*Admin roles:* not read: the app lacks RoleManagement.Read.Directory (or Directory.Read.All). Roster's own roles apply until it is granted (with admin consent) and a sync reads them.",
    );
    // The app has no AuditLog.Read.All: the sync went on without sign-in activity and the status says what to grant.
    expect(JSON.stringify(message)).toContain('*Sign-in activity:* not read: the app lacks the AuditLog.Read.All permission (application)');
    const disconnect = buttons(message).find((b) => b.action_id === ACTION.disconnect);
    expect(disconnect).toMatchObject({ style: 'danger', confirm: { title: { text: 'Disconnect Microsoft 365?' } } });

    graph.tenant.addUser({ userPrincipalName: 'cy@contoso.onmicrosoft.com', displayName: 'Cy Cole' });
    const syncAt = r.fake.calls().length;
    const sync = await r.sim.command('/users', 'sync', { userId: OWNER, channelId: CHANNEL });
    expect(JSON.stringify(sync.body)).toContain('Reading the changes of Contoso Ltd');
    const dm = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && String(c.args.text).startsWith('Synced Contoso Ltd'), {
      after: syncAt,
      timeoutMs: 10_000,
    });
    expect(String(dm.args.text)).toMatch(/1 users read \(1 added, 0 changed, 0 removed\)/);

    // Changes go to the tenant now: Add user opens its form; domains are the admin center's.
    const addAt = r.fake.calls().length;
    await r.sim.command('/users', 'add', { userId: OWNER, channelId: CHANNEL });
    expect((await r.fake.waitFor('views.open', { after: addAt })).response.ok).toBe(true);
    const domains = await r.sim.command('/users', 'domains add fabrikam.com', { userId: OWNER, channelId: CHANNEL });
    expect(JSON.stringify(domains.body)).toContain('make this change in the Microsoft 365 admin center');

    const pressedAt = r.fake.calls().length;
    await r.sim.blockAction({
      userId: OWNER,
      actionId: ACTION.disconnect,
      message: { ...message, ts: '1700000000.000100', channel: CHANNEL },
      channelId: CHANNEL,
    });
    const gone = (await r.fake.waitFor('$response_url', { after: pressedAt })).args as Message;
    expect(gone.text).toContain('Disconnected from Contoso Ltd.');
    expect(JSON.stringify((await r.sim.command('/users', 'sync', { userId: OWNER, channelId: CHANNEL })).body)).toContain('is not connected to Microsoft 365');
  });
});
