/**
 * Issue 16's bar in Slack: Add several users, the Licenses page's assign and unassign, Edit many
 * and inviting a guest, on a connected organization. Each test checks what Slack was sent, what the
 * fake tenant now holds, and the local mirror.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/views/ids.js';
import { BASIC, E3, makeUser } from '../lifecycle/helpers.js';
import { lastBody } from '../microsoft/tenant-support.js';
import type { FakeGraph } from '../support/fake-graph.js';
import type { RosterUnderTest } from '../support/roster-under-test.js';
import { externalSelect, multiStaticSelect, plainText, radio, staticSelect } from '../support/slack-requests.js';
import { mirrorLicenses, mirrorRow, OWNER, openedView, startConnectedRoster, submitAndSettle, type ConnectedRoster } from './connected-slack.js';
import { csvRecords } from './import-helpers.js';

let c: ConnectedRoster;
let r: RosterUnderTest;
let graph: FakeGraph;
const ids: Record<string, { id: string; upn: string; externalId: string }> = {};
const text = (value: unknown) => JSON.stringify(value);
const tenantUser = (alias: string) => graph.tenant.users.get(ids[alias]!.externalId)!;
const picked = (userIds: string[]) => ({
  type: 'multi_external_select',
  selected_options: userIds.map((value) => ({ text: { type: 'plain_text', text: value }, value })),
});

beforeAll(async () => {
  c = await startConnectedRoster();
  ({ r, graph } = c);
  for (const alias of ['ana', 'bob']) {
    const made = await makeUser(r.db.ctx, alias, {}, c.owner);
    ids[alias] = { ...made, externalId: graph.tenant.find(made.upn)!.user.id };
  }
});
afterAll(async () => c.stop());

describe('Add several users on a connected organization', () => {
  it('/users add-many makes each user in the tenant with their usage location and license; the results DM and the mirror follow', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'add-many', { userId: OWNER });
    const form = await openedView(r, before);
    const submitted = r.fake.calls().length;
    const res = await submitAndSettle(
      r,
      form,
      {
        'user1:firstName': { value: plainText('Cleo') },
        'user1:lastName': { value: plainText('Chen') },
        'user1:username': { value: plainText('cleo') },
        'user1:license': { value: staticSelect(BASIC.skuId) },
        'user2:firstName': { value: plainText('Dev') },
        'user2:username': { value: plainText('dev') },
        'user2:license': { value: staticSelect('none') },
        usageLocation: { value: externalSelect('NL') },
      },
      OWNER,
    );
    expect(text(res.body)).toContain('Adding 2 users');
    await r.fake.waitFor((call) => call.method === 'files.completeUploadExternal' && call.args.channel_id === `D${OWNER}`, {
      after: submitted,
      timeoutMs: 8000,
    });
    const rows = csvRecords(r.fake.uploadedFiles().find((f) => f.name === 'new-users-form-results.csv')!.bytes);
    expect(rows.map((row) => [row['User Name'], row.Status, row.Licenses])).toEqual([
      ['cleo@contoso.onmicrosoft.com', 'Created', BASIC.displayName],
      ['dev@contoso.onmicrosoft.com', 'Created', ''],
    ]);
    const cleo = graph.tenant.find('cleo@contoso.onmicrosoft.com')!.user;
    expect(cleo).toMatchObject({ displayName: 'Cleo Chen', usageLocation: 'NL', assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
    expect(graph.tenant.find('dev@contoso.onmicrosoft.com')!.user).toMatchObject({ usageLocation: 'NL', assignedLicenses: [] });
    await r.quiet();
    const row = await mirrorRow(r, 'cleo@contoso.onmicrosoft.com');
    expect(row).toMatchObject({ externalId: cleo.id, usageLocation: 'NL' });
    expect(await mirrorLicenses(r, row!.id)).toEqual([{ skuId: BASIC.skuId, disabledPlans: [] }]);
    expect((await mirrorRow(r, 'dev@contoso.onmicrosoft.com'))?.externalId).toBe(graph.tenant.find('dev@contoso.onmicrosoft.com')!.user.id);
  });
});

describe('the Licenses page on a connected organization', () => {
  it('/licenses assign then unassign: the tenant assigns (apps turned off included) and removes the product; the results DM and the mirror follow', async () => {
    const teams = E3.plans.find((p) => p.name === 'TEAMS1')!;
    let before = r.fake.calls().length;
    await r.sim.command('/licenses', `assign ${E3.partNumber}`, { userId: OWNER });
    const assign = await openedView(r, before);
    let sent = r.fake.calls().length;
    await submitAndSettle(
      r,
      assign,
      { licenseUsers: { value: picked([ids.ana!.id, ids.bob!.id]) as never }, licenseApps: { value: multiStaticSelect([teams.id]) } },
      OWNER,
    );
    const assigned = await r.fake.waitFor((call) => call.method === 'chat.postMessage' && String(call.args.text).startsWith(`Assigned ${E3.displayName}`), {
      after: sent,
    });
    expect(String(assigned.args.text)).toMatch(/to 2 users; 0 not done/);
    for (const alias of ['ana', 'bob']) {
      expect(tenantUser(alias).user.assignedLicenses).toEqual([{ skuId: E3.skuId, disabledPlans: [teams.id] }]);
      expect(await mirrorLicenses(r, ids[alias]!.id)).toEqual([{ skuId: E3.skuId, disabledPlans: [teams.id] }]);
    }
    before = r.fake.calls().length;
    await r.sim.command('/licenses', `unassign ${E3.partNumber}`, { userId: OWNER });
    const unassign = await openedView(r, before);
    sent = r.fake.calls().length;
    await submitAndSettle(r, unassign, { licenseUsers: { value: picked([ids.bob!.id]) as never } }, OWNER);
    const unassigned = await r.fake.waitFor((call) => call.method === 'chat.postMessage' && String(call.args.text).startsWith(`Unassigned ${E3.displayName}`), {
      after: sent,
    });
    expect(String(unassigned.args.text)).toMatch(/from 1 user; 0 not done/);
    expect(lastBody(graph, `POST /users/${ids.bob!.externalId}/assignLicense`)).toEqual({ addLicenses: [], removeLicenses: [E3.skuId] });
    expect(tenantUser('bob').user.assignedLicenses).toEqual([]);
    expect(await mirrorLicenses(r, ids.bob!.id)).toEqual([]);
    expect(tenantUser('ana').user.assignedLicenses).toHaveLength(1);
    // E3 went below its seat warning: the alert says where more are bought (not `/licenses buy`, which cannot on a tenant).
    const alert = (await r.fake.waitFor((call) => call.method === 'chat.postMessage' && String(call.args.text).startsWith(`${E3.displayName} is running low`)))
      .args;
    expect(text(alert)).toContain('Microsoft 365 admin center');
    expect(text(alert)).not.toContain('/licenses buy');
  });

  it('/licenses shows the tenant’s seats and says more are bought in the Microsoft 365 admin center', async () => {
    const page = await r.sim.command('/licenses', '', { userId: OWNER });
    expect(text(page.body)).toMatch(/Microsoft 365 Business Basic.*Office 365 E3/);
    expect(text(page.body)).toContain('https://admin.microsoft.com/');
    expect(text(page.body)).not.toContain('/licenses buy');
  });
});

describe('domains on a connected organization', () => {
  it('/users domains lists the tenant’s domains without buttons that could only be refused, and says where they are managed', async () => {
    const listed = await r.sim.command('/users', 'domains', { userId: OWNER });
    expect(listed.problems).toEqual([]);
    expect(text(listed.body)).toMatch(/contoso.onmicrosoft.com.*contoso.com/);
    expect(text(listed.body)).not.toMatch(/"type":"button"/);
    expect(text(listed.body)).toContain('Microsoft 365 admin center');
    // Nothing reached the tenant, and the mirror holds the tenant's domains.
    expect(graph.tenant.domains.map((d) => d.id)).toEqual(['contoso.onmicrosoft.com', 'contoso.com']);
    const mirrored = await r.db.db.selectFrom('Domain').select('name').orderBy('name').execute();
    expect(mirrored.map((d) => d.name)).toEqual(['contoso.com', 'contoso.onmicrosoft.com']);
  });
});

describe('Edit many and guests on a connected organization', () => {
  it('/users edit-many changes each user in the tenant (only what was asked), then the results DM with its CSV; the mirror follows', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'edit-many', { userId: OWNER });
    const modal = await openedView(r, before);
    const asked = r.fake.calls().length;
    await submitAndSettle(
      r,
      modal,
      {
        usernames: { value: plainText(`${ids.bob!.upn}\ndev@contoso.onmicrosoft.com\nghost@contoso.onmicrosoft.com`) },
        department: { value: plainText('Sales & <Support>') },
        licenseMode: { value: radio('add') },
        licenses: { value: multiStaticSelect([BASIC.skuId]) },
      },
      OWNER,
    );
    await r.fake.waitFor((call) => call.method === 'files.completeUploadExternal', { after: asked, timeoutMs: 8000 });
    expect(text(r.fake.dmsTo(OWNER))).toMatch(/2 changed, 0 already as asked, 1 not changed/);
    const csv = r.fake
      .uploadedFiles()
      .find((f) => f.name === 'edit-users-results.csv')!
      .bytes.toString('utf8');
    expect(csv).toContain('ghost@contoso.onmicrosoft.com,No user with this username.');
    // Bob and Dev (made by Add several users above, without a license) hold none: Business Basic is given to both.
    for (const upn of [ids.bob!.upn, 'dev@contoso.onmicrosoft.com']) {
      expect(graph.tenant.find(upn)!.user).toMatchObject({ department: 'Sales & <Support>', assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
      const row = await mirrorRow(r, upn);
      expect(row).toMatchObject({ department: 'Sales & <Support>' });
      expect(await mirrorLicenses(r, row!.id)).toEqual([{ skuId: BASIC.skuId, disabledPlans: [] }]);
    }
    // Only what was asked reached the tenant: the department (the license by assignLicense), alone or in a JSON batch (each request recorded).
    const patched = graph
      .calls()
      .filter((call) => call.method === 'PATCH' && call.path.endsWith(`/users/${ids.bob!.externalId}`))
      .map((call) => call.body);
    expect(patched).toEqual([{ department: 'Sales & <Support>' }]);
  });

  it('/users invite: the tenant invites the guest; the mirror records the guest it made', async () => {
    const sent = r.fake.calls().length;
    const triggerId = r.fake.issueTriggerId({ userId: OWNER });
    const res = await r.sim.command('/users', 'invite gus@fabrikam.com Gus <Guest>', { userId: OWNER, triggerId });
    await r.handled(triggerId);
    expect(text(res.body)).toContain('gus_fabrikam.com#EXT#@contoso.onmicrosoft.com');
    expect(lastBody(graph, 'POST /invitations')).toMatchObject({ invitedUserEmailAddress: 'gus@fabrikam.com', invitedUserDisplayName: 'Gus <Guest>' });
    const guest = graph.tenant.find('gus_fabrikam.com#EXT#@contoso.onmicrosoft.com')!.user;
    expect(guest.userType).toBe('Guest');
    expect(await mirrorRow(r, guest.userPrincipalName!)).toMatchObject({ externalId: guest.id, userType: 'guest' });
    // Nothing went wrong after the ack: no "was not invited" follow-up.
    expect(text(r.fake.calls().slice(sent))).not.toContain('was not invited');
  });
});

describe('seats running out on a connected organization', () => {
  it('Add several users short of a product’s seats says, on its row, to buy more in the Microsoft 365 admin center', async () => {
    // In the admin center, E3 went to someone else and the subscription shrank to what is assigned; Roster synced since.
    graph.tenant.addUser({
      userPrincipalName: 'holder@contoso.onmicrosoft.com',
      usageLocation: 'NL',
      assignedLicenses: [{ skuId: E3.skuId, disabledPlans: [] }],
    });
    const consumed = graph.tenant.consumedUnits(E3.skuId);
    graph.tenant.skus.get(E3.skuId)!.enabled = consumed;
    const triggerId = r.fake.issueTriggerId({ userId: OWNER });
    await r.sim.command('/users', 'sync', { userId: OWNER, triggerId });
    await r.handled(triggerId);
    await r.quiet();
    const pool = await r.db.db.selectFrom('LicensePool').select(['total', 'assigned']).where('skuId', '=', E3.skuId).executeTakeFirstOrThrow();
    expect(pool).toEqual({ total: consumed, assigned: consumed });
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'add-many', { userId: OWNER });
    const form = await openedView(r, before);
    const refused = await r.sim.viewSubmission(
      form,
      {
        'user1:firstName': { value: plainText('Fay') },
        'user1:username': { value: plainText('fay') },
        'user1:license': { value: staticSelect(E3.skuId) },
        usageLocation: { value: externalSelect('NL') },
      },
      { userId: OWNER },
    );
    expect(refused.body).toMatchObject({ response_action: 'errors', errors: { 'user1:license': expect.stringContaining('Microsoft 365 admin center') } });
    expect(text(refused.body)).not.toContain('/licenses buy');
    expect(graph.tenant.find('fay@contoso.onmicrosoft.com')).toBeUndefined();
    expect(await mirrorRow(r, 'fay@contoso.onmicrosoft.com')).toBeUndefined();
  });
});

describe('the App Home of a connected organization', () => {
  it('shows the tenant’s organization and seats; Buy licenses says they are bought in the Microsoft 365 admin center', async () => {
    const before = r.fake.calls().length;
    await r.sim.event({ type: 'app_home_opened', user: OWNER, channel: `D${OWNER}`, tab: 'home' });
    await r.fake.waitFor((call) => call.method === 'views.publish' && call.args.user_id === OWNER, { after: before });
    const home = r.fake.homeOf(OWNER)!;
    expect(text(home)).toContain('Contoso Ltd');
    expect(text(home)).toContain(BASIC.displayName);
    // The Global admin's Buy licenses: where to buy them, not a purchase form.
    expect(text(home)).toContain(ACTION.openBuyLicenses);
    const pressed = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.openBuyLicenses, view: home });
    const opened = await openedView(r, pressed);
    expect(text(opened)).toContain('https://admin.microsoft.com/');
    expect(text(opened)).not.toContain('"submit"');
  });
});
