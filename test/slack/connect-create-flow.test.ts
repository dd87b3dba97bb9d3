import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/views/ids.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { GLOBAL_ADMINISTRATOR, WRITE_PERMISSIONS } from '../microsoft/tenant-support.js';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { startFakeGraph, type FakeApp, type FakeGraph } from '../support/fake-graph.js';
import type { Message } from '../support/fake-slack-api.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { plainText, radio } from '../support/slack-requests.js';
import { seedTenant } from '../support/test-db.js';
import { text } from './import-helpers.js';

// Issue 16: /users connect on an organization whose users are not all in the tenant, choosing
// "Create them in the tenant": each new temporary password comes as a Show password notice, then
// one results DM, then the first sync.
let r: RosterUnderTest;
let graph: FakeGraph;
let app: FakeApp;
let zed = '';
let yan = '';
const OWNER = 'U0OWNER';
const CHANNEL = 'C0GENERAL1';
const viewOf = (call: { response: unknown }) => r.fake.viewRecord((call.response as { view: { id: string } }).view.id)!.view;

beforeAll(async () => {
  graph = await startFakeGraph({ displayName: 'Contoso Ltd' });
  app = graph.registerApp({ permissions: WRITE_PERMISSIONS, roles: ['User Administrator'] });
  r = await startRosterUnderTest({ graph });
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  const { admin } = await seedTenant(r.db.ctx, owner);
  zed = (await makeUser(r.db.ctx, 'zed', { displayName: 'Zed <Zeta> & Co' }, owner)).upn;
  yan = (await makeUser(r.db.ctx, 'yan', {}, owner)).upn;
  graph.tenant.addSku({ skuId: BASIC.skuId, skuPartNumber: BASIC.partNumber, enabled: 10 });
  graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName, displayName: 'Olivia Owner' });
  graph.tenant.assignRole(admin.userPrincipalName, GLOBAL_ADMINISTRATOR);
});
afterAll(async () => {
  await r.stop();
  await graph.close();
});

describe('/users connect → Create them in the tenant', () => {
  it('creates them, sends each password as a Show password notice and the results in one DM, then syncs', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'connect', { userId: OWNER, channelId: CHANNEL });
    const form = viewOf(await r.fake.waitFor('views.open', { after: before }));
    const checkAt = r.fake.calls().length;
    await r.sim.viewSubmission(
      form,
      { tenant: { value: plainText(graph.tenant.id) }, clientId: { value: plainText(app.clientId) }, clientSecret: { value: plainText(app.secret) } },
      { userId: OWNER },
    );
    const review = JSON.stringify(
      (await r.fake.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.args.view).includes('roster_connect_review'), { after: checkAt })).args.view,
    );
    expect(review).toContain('Create them in the tenant');
    expect(review).toContain('Leave them out');

    const connectAt = r.fake.calls().length;
    await r.sim.viewSubmission(form, { missing: { value: radio('create') } }, { userId: OWNER });
    const connected = await r.fake.waitFor((c) => c.method === 'views.update' && JSON.stringify(c.args.view).includes('Connected to'), { after: connectAt });
    expect(JSON.stringify(connected.args.view)).toContain('Roster now creates the users that are not in the tenant');

    const results = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && String(c.args.text).startsWith('Creating the users not in Contoso Ltd'), {
      after: connectAt,
      timeoutMs: 10_000,
    });
    const blocks = (results.args as { blocks: unknown[] }).blocks;
    expect(validateMessageBlocks(blocks as never)).toEqual([]);
    expect(String(results.args.text)).toBe('Creating the users not in Contoso Ltd: 2 created (0 without their licenses), 0 not created');
    expect(text(blocks)).toContain(`\`${zed}\``);
    const synced = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && String(c.args.text).startsWith('Synced Contoso Ltd'), {
      after: connectAt,
      timeoutMs: 10_000,
    });
    expect(String(synced.args.text)).toMatch(/0 removed/);
    expect(graph.tenant.holderOf(zed)?.user).toMatchObject({ displayName: 'Zed <Zeta> & Co' });

    // One notice per user, with Show password and never the password; shown once to the admin.
    const notices = r.fake.dmsTo(OWNER).filter((m: Message) => (m.text ?? '').includes(zed) || (m.text ?? '').includes(yan));
    const zedNotice = notices.find((m: Message) => (m.text ?? '').includes(zed) && text(m.blocks).includes('Show password'))!;
    expect(zedNotice).toBeDefined();
    const made = graph.calls().find((c) => c.method === 'POST' && c.path === '/v1.0/users' && JSON.stringify(c.body).includes(zed))!;
    const password = (made.body as { passwordProfile: { password: string } }).passwordProfile.password;
    const everything = JSON.stringify(r.fake.calls().map((c) => c.args)) + r.logs.join('\n');
    expect(everything).not.toContain(password);
    const pressAt = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.showPassword, message: zedNotice });
    const opened = await r.fake.waitFor((c) => c.method === 'views.open', { after: pressAt });
    expect(text(opened.args.view)).toContain(password);
  });
});
