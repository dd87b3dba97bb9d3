import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainText } from '../support/slack-requests.js';
import { validateView } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { addUser } from '../../src/core/users/add-user.js';
import { ACTION, SHORTCUT } from '../../src/slack/views/ids.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const BILLING = 'U0BILLING';
const MEMBER = 'U0MEMBER';

beforeAll(async () => {
  r = await startRosterUnderTest();
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  r.fake.seedUser({ id: BILLING, realName: 'Bill Ing' });
  r.fake.seedUser({ id: MEMBER, realName: 'Mem Ber' });
});
afterAll(async () => r.stop());

const text = (value: unknown) => JSON.stringify(value);

async function openHome(userId: string) {
  const before = r.fake.calls().length;
  await r.sim.event({ type: 'app_home_opened', user: userId, channel: `D${userId}`, tab: 'home' });
  // This member's publish: a refresh of another member's App Home (after a change) may come first.
  await r.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === userId, { after: before });
  return r.fake.homeOf(userId)!;
}

describe('App Home and shortcuts', () => {
  it('offers setup before the workspace is set up', async () => {
    const home = await openHome(OWNER);
    expect(text(home)).toMatch(/not set up yet/);
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.openSetup, view: home });
    const opened = await r.fake.waitFor('views.open', { after: before });
    expect(text(opened.args)).toMatch(/Set up Roster/);
  });

  it('offers setup only to those who may set up: a member without a workspace role is told to ask an owner or admin', async () => {
    const home = await openHome(MEMBER);
    expect(text(home)).toMatch(/not set up yet/);
    expect(text(home)).not.toContain(ACTION.openSetup);
    expect(text(home)).toMatch(/A workspace owner or admin can set it up/);
  });

  it('shows the organization, seats per product and the last changes, with buttons for what the member may do', async () => {
    const { ctx } = r.db;
    await seedTenant(ctx, { teamId: r.fake.teamId, slackUserId: OWNER });
    const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
    await buyLicenses(ctx, owner, { product: 'business basic', quantity: 5 });
    await addUser(ctx, owner, {
      displayName: 'Bill Ing',
      alias: 'bill',
      domain: 'contoso.onmicrosoft.com',
      password: { mode: 'auto' },
      roles: ['billing_admin'],
      alternateEmail: 'b@example.com',
      slackUserId: BILLING,
    });
    const home = await openHome(OWNER);
    expect(validateView(home, 'home')).toEqual([]);
    const shown = text(home);
    expect(shown).toMatch(/Contoso/);
    expect(shown).toMatch(/5 available · 0 of 5 assigned/);
    expect(shown).toMatch(/Bought 5 Microsoft 365 Business Basic/);
    expect(shown).toMatch(/Added bill@contoso.onmicrosoft.com without a license; roles: Billing admin/);
    expect(shown).toContain(ACTION.openAddUser);
    const billingHome = text(await openHome(BILLING));
    expect(billingHome).toContain(ACTION.openBuyLicenses);
    expect(billingHome).not.toContain(ACTION.openAddUser);
  });

  it('tells a member with no admin role which Global admins to ask, and offers nothing else', async () => {
    const home = await openHome(MEMBER);
    expect(validateView(home, 'home')).toEqual([]);
    expect(text(home)).toMatch(new RegExp(`You have no admin role in .*Ask a Global admin \\(<@${OWNER}>\\) to give you one`));
    expect(text(home)).not.toMatch(/Set up Roster|Add a user|Buy licenses/);
  });

  it('opens the Add user form from the home button and from the global shortcut', async () => {
    const home = r.fake.homeOf(OWNER)!;
    let before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.openAddUser, view: home });
    expect(text((await r.fake.waitFor('views.open', { after: before })).args)).toMatch(/Add a user/);
    before = r.fake.calls().length;
    await r.sim.globalShortcut(SHORTCUT.addUser, { userId: OWNER });
    expect(text((await r.fake.waitFor('views.open', { after: before })).args)).toMatch(/"callback_id":"roster_add_user"/);
    before = r.fake.calls().length;
    await r.sim.globalShortcut(SHORTCUT.addUser, { userId: BILLING });
    expect(text((await r.fake.waitFor('views.open', { after: before })).args)).toMatch(/To add users you need one of these roles/);
  });

  it('buys licenses from the home button; the Billing admin sees the seats change', async () => {
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: BILLING, actionId: ACTION.openBuyLicenses, view: r.fake.homeOf(BILLING)! });
    const opened = await r.fake.waitFor('views.open', { after: before });
    const view = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    const bad = await r.sim.viewSubmission(view, { product: { value: plainText('business') }, quantity: { value: plainText('ten') } }, { userId: BILLING });
    expect(bad.body).toMatchObject({ response_action: 'errors', errors: { quantity: expect.stringMatching(/whole number/) } });
    const ambiguous = await r.sim.viewSubmission(view, { product: { value: plainText('e3') }, quantity: { value: plainText('2') } }, { userId: BILLING });
    expect(ambiguous.body).toMatchObject({ response_action: 'errors', errors: { product: expect.stringMatching(/matches \d+ products/) } });
    const afterSubmit = r.fake.calls().length;
    const good = await r.sim.viewSubmission(
      view,
      { product: { value: plainText('business basic') }, quantity: { value: plainText('2') } },
      { userId: BILLING },
    );
    expect(text(good.body)).toMatch(/Now 7 available of 7/);
    // The core reports the purchase; the App Home of the Billing admin (who has it open) is published again.
    await r.fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === BILLING, { after: afterSubmit });
    expect(text(r.fake.homeOf(BILLING))).toMatch(/7 available · 0 of 7 assigned/);
  });
});
