import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainText, multiStaticSelect } from '../support/slack-requests.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { seedTenant } from '../support/test-db.js';
import { BASIC, E1, E3, makeUser } from '../lifecycle/helpers.js';
import type { MemberActor } from '../../src/core/context.js';

let r: RosterUnderTest;
let owner: MemberActor;
const OWNER = 'U0OWNER';
const text = (body: unknown) => JSON.stringify(body);

beforeAll(async () => {
  r = await startRosterUnderTest();
  owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  await seedTenant(r.db.ctx, owner);
  await buyLicenses(r.db.ctx, owner, { product: BASIC.partNumber, quantity: 1 });
  await buyLicenses(r.db.ctx, owner, { product: E3.partNumber, quantity: 5 });
  await buyLicenses(r.db.ctx, owner, { product: E1.partNumber, quantity: 5 });
});
afterAll(async () => r.stop());

async function opened(after: number) {
  const call = await r.fake.waitFor('views.open', { after });
  expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
  const view = (call.response as unknown as { view: { id: string } }).view;
  return r.fake.viewRecord(view.id)!.view;
}

describe('delete and restore from Slack', () => {
  it('confirms, deletes, lists the deleted user, then restores under a new username when the old one was taken', async () => {
    await makeUser(r.db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }, owner);
    const before = r.fake.calls().length;
    const res = await r.sim.command('/users', 'delete ana@contoso.onmicrosoft.com', { userId: OWNER });
    expect(res.problems).toEqual([]);
    const confirm = await opened(before);
    expect(text(confirm)).toMatch(/Delete 1 user.*frees Microsoft 365 Business Basic/);
    const dms = r.fake.dmsTo(OWNER).length;
    const submitted = await r.sim.viewSubmission(confirm, {}, { userId: OWNER });
    expect(submitted.problems).toEqual([]);
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${OWNER}` && r.fake.dmsTo(OWNER).length > dms);
    expect(text(r.fake.dmsTo(OWNER).at(-1))).toMatch(/Deleted 1 user/);
    const listed = await r.sim.command('/users', 'deleted', { userId: OWNER });
    expect(text(listed.body)).toMatch(/ana@contoso.onmicrosoft.com.*30 days left/);
    await makeUser(r.db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }, owner);

    const beforeRestore = r.fake.calls().length;
    await r.sim.command('/users', 'restore ana@contoso.onmicrosoft.com', { userId: OWNER });
    const form = await opened(beforeRestore);
    const taken = await r.sim.viewSubmission(form, { alias: { value: plainText('ana') } }, { userId: OWNER });
    expect(taken.body).toMatchObject({ response_action: 'errors', errors: { alias: expect.stringMatching(/already taken.*Enter a new username/) } });
    const dmsBefore = r.fake.dmsTo(OWNER).length;
    const good = await r.sim.viewSubmission(form, { alias: { value: plainText('ana.old') } }, { userId: OWNER });
    expect(good.problems).toEqual([]);
    expect(text(good.body)).toMatch(/Restored.*ana.old@contoso.onmicrosoft.com.*Not given back.*No Microsoft 365 Business Basic licenses are left/);
    await r.fake.waitFor(() => r.fake.dmsTo(OWNER).length > dmsBefore);
    expect(text(r.fake.dmsTo(OWNER).at(-1))).toMatch(/ana.old@contoso.onmicrosoft.com/);
    expect(text(r.fake.dmsTo(OWNER).at(-1))).toMatch(/New password for .*restored \*/);
    expect(await checkSeatLedger(r.db.ctx)).toEqual([]);
  });
});

describe('the Licenses page', () => {
  it('assigns through the form: type-ahead picks users, each conflict is explained in the results DM', async () => {
    const bo = await makeUser(r.db.ctx, 'bo', {}, owner);
    const cy = await makeUser(r.db.ctx, 'cy', { licenses: [{ skuId: E1.skuId, disabledPlans: [] }] }, owner);
    const before = r.fake.calls().length;
    const res = await r.sim.command('/licenses', `assign ${E3.partNumber}`, { userId: OWNER });
    expect(res.problems).toEqual([]);
    const form = await opened(before);
    const suggestion = await r.sim.blockSuggestion({ userId: OWNER, view: form, blockId: 'licenseUsers', actionId: 'value', value: 'b' });
    expect(suggestion.problems).toEqual([]);
    expect(text(suggestion.body)).toContain(bo.id);
    const dms = r.fake.dmsTo(OWNER).length;
    const submitted = await r.sim.viewSubmission(
      form,
      {
        licenseUsers: {
          value: { type: 'multi_external_select', selected_options: [bo.id, cy.id].map((id) => ({ text: { type: 'plain_text', text: id }, value: id })) },
        },
        licenseApps: { value: multiStaticSelect([]) },
      },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    // The results DM (the seat taken may also bring a seat alert: E3 went below the seat warning).
    const resultsDm = () =>
      r.fake
        .dmsTo(OWNER)
        .slice(dms)
        .find((m) => text(m).includes('Assigned Office 365 E3'));
    await r.fake.waitFor(() => resultsDm() !== undefined);
    const results = text(resultsDm());
    expect(results).toMatch(/Assigned Office 365 E3 to 1 user; 1 not done/);
    expect(results).toMatch(/cy@contoso.onmicrosoft.com.*Office 365 E1 and Office 365 E3 can't both be assigned/);
    const users = await r.sim.command('/licenses', `users ${E3.partNumber}`, { userId: OWNER });
    expect(text(users.body)).toMatch(/1 user with Office 365 E3.*bo@contoso.onmicrosoft.com/);
    const lower = await r.sim.command('/licenses', `set ${E3.partNumber} 0`, { userId: OWNER });
    expect(text(lower.body)).toMatch(/can't go below 1/);
    const show = await r.sim.command('/users', 'show bo@contoso.onmicrosoft.com', { userId: OWNER });
    expect(text(show.body)).toMatch(/Mailbox.*Active/);
  });
});
