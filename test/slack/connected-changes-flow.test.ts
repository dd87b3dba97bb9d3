import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUY_IN_THE_ADMIN_CENTER } from '../../src/core/refusals.js';
import { BASIC } from '../lifecycle/helpers.js';
import { connectToFake } from '../support/connected-tenant.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { externalSelect, multiStaticSelect, plainText, radio } from '../support/slack-requests.js';
import { seedTenant } from '../support/test-db.js';
import { addProduct, WRITE_PERMISSIONS } from '../microsoft/tenant-support.js';
import { openAddUserForm, submitAndFinish } from './add-user-wizard.js';
import { ACTION } from '../../src/slack/views/ids.js';
import { addImportChannelFor, CHANNEL, channelUpload, csvBytes, csvRecords, waitForPreview } from './import-helpers.js';

let r: RosterUnderTest;
let graph: FakeGraph;
const OWNER = 'U0OWNER';
const text = (value: unknown) => JSON.stringify(value);

beforeAll(async () => {
  graph = await startFakeGraph({ displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com' });
  const app = graph.registerApp({ permissions: WRITE_PERMISSIONS, roles: ['User Administrator'] });
  r = await startRosterUnderTest({ graph });
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  const { admin } = await seedTenant(r.db.ctx, owner);
  addProduct(graph, BASIC, 10);
  graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName, displayName: 'Olivia Owner', usageLocation: 'NL' });
  const synced = await connectToFake(r.db, owner, graph, app);
  if (synced.status !== 'succeeded') throw new Error(synced.error ?? 'sync failed');
  await addImportChannelFor(r, CHANNEL);
});
afterAll(async () => {
  await r.stop();
  await graph.close();
});

const form = (alias: string) => ({
  firstName: { value: plainText('Nia') },
  lastName: { value: plainText('Noor') },
  displayName: { value: plainText(`Nia ${alias}`) },
  alias: { value: plainText(alias) },
  passwordMode: { value: radio('auto') },
  usageLocation: { value: externalSelect('NL') },
  licenses: { value: multiStaticSelect([BASIC.skuId]) },
});

describe('a connected organization in Slack', () => {
  it('Add user: the review sends nothing; Finish makes the user in the tenant with their license, and the credentials go by DM', async () => {
    const before = graph.calls().length;
    const viewId = await openAddUserForm(r, OWNER);
    const done = await submitAndFinish(r, viewId, form('nia'), OWNER);
    expect(text(done.body)).not.toContain('"errors"');
    // The ack says it is asking the tenant; the result (with its password) replaces it once the tenant made the user.
    expect(text(done.body)).toContain('Adding nia@contoso.onmicrosoft.com to Contoso Ltd…');
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${OWNER}` && text(c.args.text).includes('nia@'), { after: 0 });
    await r.fake.waitFor((c) => c.method === 'views.update' && c.args.view_id === viewId && text(c.args.view).includes('nia@contoso.onmicrosoft.com'), {
      after: 0,
    });
    const made = graph.tenant.find('nia@contoso.onmicrosoft.com')?.user;
    expect(made).toMatchObject({ usageLocation: 'NL', assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
    // One POST /users and one assignLicense: the review (a rehearsal) sent nothing.
    expect(
      graph
        .calls()
        .slice(before)
        .filter((c) => c.method === 'POST')
        .map((c) => c.path.replace(made!.id, 'ID')),
    ).toEqual(['/v1.0/users', '/v1.0/users/ID/assignLicense']);
    const row = await r.db.db.selectFrom('DirectoryUser').select(['externalId']).where('upnKey', '=', 'nia@contoso.onmicrosoft.com').executeTakeFirst();
    expect(row?.externalId).toBe(made!.id);
  });

  it('Add user with a username taken in the tenant since the last sync: Finish is answered with the tenant words, nothing is made', async () => {
    graph.tenant.addUser({ userPrincipalName: 'kai@contoso.onmicrosoft.com', displayName: 'Kai <from> the admin center' });
    const before = r.fake.calls().length;
    const viewId = await openAddUserForm(r, OWNER);
    await submitAndFinish(r, viewId, form('kai'), OWNER);
    const told = await r.fake.waitFor(
      (c) => (c.method === 'views.update' || c.method === 'chat.postMessage') && text(c.args).includes('is already used in Contoso Ltd'),
      { after: before },
    );
    expect(told.response.ok, text(told.response)).toBe(true);
    const row = await r.db.db.selectFrom('DirectoryUser').select(['id']).where('upnKey', '=', 'kai@contoso.onmicrosoft.com').executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('/licenses buy says licenses are bought in the Microsoft 365 admin center, and links to it', async () => {
    const subscriptions = async () => r.db.db.selectFrom('Subscription').selectAll().orderBy('id').execute();
    const before = { graph: graph.calls().length, subscriptions: await subscriptions(), seats: graph.tenant.skus.get(BASIC.skuId)!.enabled };
    const res = await r.sim.command('/licenses', 'buy business basic 3', { userId: OWNER });
    expect(res.problems).toEqual([]);
    expect(text(res.body)).toContain('cannot be bought through Microsoft Graph');
    expect(text(res.body)).toContain('https://admin.microsoft.com/');
    const bare = await r.sim.command('/licenses', 'buy', { userId: OWNER });
    expect(text(bare.body)).toContain(BUY_IN_THE_ADMIN_CENTER.slice(0, 60));
    // Nothing was asked of the tenant, nor changed in the mirror.
    expect(
      graph
        .calls()
        .slice(before.graph)
        .filter((c) => c.method !== 'GET'),
    ).toEqual([]);
    expect(graph.tenant.skus.get(BASIC.skuId)!.enabled).toBe(before.seats);
    expect(await subscriptions()).toEqual(before.subscriptions);
  });

  it('an import short of seats: its preview says to buy them in the Microsoft 365 admin center, with no Buy button that could only be refused', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `short${i}@contoso.onmicrosoft.com,short${i},,Short ${i},,,,,,,,,,,,`);
    const file = r.fake.addFile({ name: 'too-many.csv', user: OWNER, bytes: csvBytes(rows) });
    const { event, ts } = channelUpload(file);
    const before = { slack: r.fake.calls().length, graph: graph.calls().length };
    await r.sim.event(event);
    const preview = await waitForPreview(r, CHANNEL, ts, before.slack);
    expect(text(preview.blocks)).toMatch(/Microsoft 365 Business Basic: 12 needed, \d+ of 10 available :warning: \d+ short/);
    expect(text(preview.blocks)).not.toContain(ACTION.importBuyLicenses);
    expect(text(preview.blocks)).toContain('https://admin.microsoft.com/');
    // A preview changes nothing: not the tenant, not the mirror.
    expect(
      graph
        .calls()
        .slice(before.graph)
        .filter((c) => c.method !== 'GET' && !c.path.endsWith('$batch')),
    ).toEqual([]);
    expect(graph.tenant.find('short0@contoso.onmicrosoft.com')).toBeUndefined();
    const row = await r.db.db.selectFrom('DirectoryUser').select('id').where('upnKey', '=', 'short0@contoso.onmicrosoft.com').executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('an import shared in a channel makes its users in the tenant; progress, outcome and the results DM as always', async () => {
    const rows = ['ivy', 'jon', 'kim'].map((a) => `${a}@contoso.onmicrosoft.com,${a},,${a} Hire,,,,,,,,,,,,`);
    const file = r.fake.addFile({ name: 'hires.csv', user: OWNER, bytes: csvBytes(rows) });
    const { event, ts } = channelUpload(file);
    const before = r.fake.calls().length;
    await r.sim.event(event);
    const preview = structuredClone(await waitForPreview(r, CHANNEL, ts, before));
    const openAt = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.importChooseSettings, message: preview });
    const opened = await r.fake.waitFor('views.open', { after: openAt });
    const view = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    const chooseAt = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: 'value', blockId: 'licenses', selectedOptions: [BASIC.skuId], view });
    await r.fake.waitFor('views.update', { after: chooseAt });
    const submitAt = r.fake.calls().length;
    const submitted = await r.sim.viewSubmission(
      r.fake.viewRecord(view.id)!.view,
      {
        signInAllowed: { value: radio('allowed') },
        usageLocation: { value: externalSelect('NL') },
        licenses: { value: multiStaticSelect([BASIC.skuId]) },
        whenSeatsRunOut: { value: radio('licensed_only') },
      },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${OWNER}`, { after: submitAt, timeoutMs: 8000 });
    const results = csvRecords(r.fake.uploadedFiles().find((f) => f.name === 'hires-results.csv')!.bytes);
    expect(results.map((row) => [row['User Name'], row.Status])).toEqual([
      ['ivy@contoso.onmicrosoft.com', 'Created'],
      ['jon@contoso.onmicrosoft.com', 'Created'],
      ['kim@contoso.onmicrosoft.com', 'Created'],
    ]);
    for (const alias of ['ivy', 'jon', 'kim']) {
      const made = graph.tenant.find(`${alias}@contoso.onmicrosoft.com`)!.user;
      expect(made.assignedLicenses).toEqual([{ skuId: BASIC.skuId, disabledPlans: [] }]);
      // The mirror holds the tenant's user (its object id) and license.
      const row = await r.db.db
        .selectFrom('DirectoryUser')
        .select(['id', 'externalId'])
        .where('upnKey', '=', `${alias}@contoso.onmicrosoft.com`)
        .executeTakeFirst();
      expect(row?.externalId).toBe(made.id);
      const licenses = await r.db.db.selectFrom('LicenseAssignment').select('skuId').where('userId', '=', row!.id).execute();
      expect(licenses).toEqual([{ skuId: BASIC.skuId }]);
    }
    expect(graph.calls().some((c) => c.path === '/v1.0/$batch')).toBe(true);
  });
});
