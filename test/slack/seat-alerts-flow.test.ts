import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignProduct } from '../../src/core/licenses/assign-product.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { queueDueDigests } from '../../src/core/licenses/seat-digest.js';
import { unassignProduct } from '../../src/core/licenses/unassign-product.js';
import type { MemberActor } from '../../src/core/context.js';
import { SEATS } from '../../src/slack/views/seat-ids.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import type { RecordedCall } from '../support/fake-slack-api.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { plainText } from '../support/slack-requests.js';
import { seedTenant } from '../support/test-db.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const BILLING = 'U0BILLING';
const HELPDESK = 'U0HELPDESK';
const CHANNEL = 'C0GENERAL1';
const ALERTS = 'C0ALERTS1';
let owner: MemberActor;
// The clock runs (jobs queued for a moment later fall due) from a time the digest test moves.
let offset = 0;
const setNow = (iso: string) => {
  offset = new Date(iso).getTime() - Date.now();
};
setNow('2026-12-07T08:00:00Z'); // a Monday
const users: string[] = [];
type Message = { text: string; blocks: { type: string; text?: { text: string }; accessory?: { action_id?: string; value?: string } }[] };
const text = (value: unknown) => JSON.stringify(value);
const isAlert = (call: RecordedCall) => call.method === 'chat.postMessage' && text(call.args).includes('is running low');

/** The seat alerts posted so far, with where each went. */
const alertsSent = () => r.fake.calls('chat.postMessage').filter(isAlert);

beforeAll(async () => {
  r = await startRosterUnderTest({ now: () => new Date(Date.now() + offset) });
  for (const [id, name] of [
    [OWNER, 'Olivia Owner'],
    [BILLING, 'Bill Billing'],
    [HELPDESK, 'Hal Helpdesk'],
  ] as const)
    r.fake.seedUser({ id, realName: name, isOwner: id === OWNER });
  owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  await seedTenant(r.db.ctx, owner);
  await makeUser(r.db.ctx, 'bill', { roles: ['billing_admin'], slackUserId: BILLING }, owner);
  await makeUser(r.db.ctx, 'hal', { roles: ['helpdesk_admin'], slackUserId: HELPDESK }, owner);
  await buyLicenses(r.db.ctx, owner, { product: BASIC.partNumber, quantity: 10 });
  for (let i = 0; i < 7; i++) users.push((await makeUser(r.db.ctx, `seat${i}`, {}, owner)).upn);
  await assignProduct(r.db.ctx, owner, { product: BASIC.partNumber, users: { usernames: users.slice(0, 5) }, many: true });
  await r.quiet();
});
afterAll(async () => r.stop());

describe('seat alerts in Slack', () => {
  it('alerts the Global, Billing and License admins once per crossing, naming the product, what is left and the last changes', async () => {
    const shown = await r.sim.command('/licenses', 'alerts', { userId: BILLING, channelId: CHANNEL });
    expect(shown.problems).toEqual([]);
    expect(text(shown.body)).toContain('5 available of 10 · alert below 5 (the organization');
    // A change through Slack takes it below: 4 left.
    const set = await r.sim.command('/licenses', `set ${BASIC.partNumber} 9`, { userId: BILLING, channelId: CHANNEL });
    expect(text(set.body)).toContain('9 licenses (was 10)');
    await r.fake.waitFor(isAlert);
    await r.quiet();
    const sent = alertsSent();
    expect(sent.map((c) => (c.args as { channel: string }).channel).sort()).toEqual([`D${BILLING}`, `D${OWNER}`].sort());
    const alert = sent[0]!.args as Message;
    expect(validateMessageBlocks(alert.blocks)).toEqual([]);
    expect(text(alert)).toContain('*Microsoft 365 Business Basic* is running low in Contoso: *4* left of 9');
    expect(text(alert)).toContain('Changed Microsoft 365 Business Basic from 10 to 9 licenses');
    expect(text(alert)).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
    expect(text(alert)).toContain(`<@${BILLING}>`);
    // Still below: another seat taken sends nothing more.
    await assignProduct(r.db.ctx, owner, { product: BASIC.partNumber, users: { usernames: [users[5]!] }, many: true });
    await r.quiet();
    expect(alertsSent()).toHaveLength(2);
  });

  it('sends the next crossing to the channel chosen with `channel here`, after the product rose to its threshold again', async () => {
    const chosen = await r.sim.command('/licenses', 'alerts channel here', { userId: OWNER, channelId: ALERTS });
    expect(text(chosen.body)).toContain(`Seat alerts go to the channel ${ALERTS}`);
    await r.quiet();
    await unassignProduct(r.db.ctx, owner, { product: BASIC.partNumber, users: { usernames: [users[5]!] }, many: true });
    await r.sim.command('/licenses', `set ${BASIC.partNumber} 10`, { userId: OWNER, channelId: CHANNEL }); // 5 left: at the threshold
    await r.quiet();
    await assignProduct(r.db.ctx, owner, { product: BASIC.partNumber, users: { usernames: [users[5]!, users[6]!] }, many: true });
    await r.fake.waitFor((c) => isAlert(c) && (c.args as { channel: string }).channel === ALERTS);
    await r.quiet();
    expect(alertsSent()).toHaveLength(3);
    expect(text(r.fake.messagesIn(ALERTS).at(-1))).toContain('*3* left of 10');
    await r.sim.command('/licenses', 'alerts channel admins', { userId: OWNER, channelId: ALERTS });
    await r.quiet();
  });

  it("Set alert from the Licenses page: the product's own threshold, shown in the list; a Helpdesk admin may only look", async () => {
    const page = await r.sim.command('/licenses', '', { userId: OWNER, channelId: CHANNEL });
    const before = r.fake.calls().length;
    await r.sim.blockAction({
      userId: OWNER,
      actionId: SEATS.showAlerts,
      message: { ...(page.body as object), ts: '1700000000.000100', channel: CHANNEL },
      channelId: CHANNEL,
    });
    const list = (await r.fake.waitFor('$response_url', { after: before })).args as Message;
    expect(validateMessageBlocks(list.blocks)).toEqual([]);
    const opening = r.fake.calls().length;
    await r.sim.blockAction({
      userId: OWNER,
      actionId: SEATS.openProductAlert,
      message: { ...list, ts: '1700000000.000200', channel: CHANNEL },
      channelId: CHANNEL,
    });
    const opened = await r.fake.waitFor('views.open', { after: opening });
    const form = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    const bad = await r.sim.viewSubmission(form, { threshold: { value: plainText('two') } }, { userId: OWNER });
    expect(bad.body).toMatchObject({ response_action: 'errors', errors: { threshold: expect.stringMatching(/whole number/) } });
    const saving = r.fake.calls().length;
    const saved = await r.sim.viewSubmission(form, { threshold: { value: plainText('2') } }, { userId: OWNER });
    expect(saved.problems).toEqual([]);
    const after = (await r.fake.waitFor('$response_url', { after: saving })).args as Message;
    expect(text(after)).toContain('Seat alert for Microsoft 365 Business Basic set to fewer than 2 left');
    expect(text(after)).toContain('3 available of 10 · alert below 2');
    const helpdesk = await r.sim.command('/licenses', 'alerts', { userId: HELPDESK, channelId: CHANNEL });
    expect((helpdesk.body as Message).blocks.some((b) => b.accessory?.action_id === SEATS.openProductAlert)).toBe(false);
    const refused = await r.sim.command('/licenses', 'alerts set business basic 3', { userId: HELPDESK, channelId: CHANNEL });
    expect(text(refused.body)).toContain('To set seat alerts and license prices you need one of these roles: Global admin, Billing admin');
  });

  it('sends an alert Roster cannot post in its channel to the admins by DM instead, saying so', async () => {
    await r.sim.command('/licenses', 'alerts channel here', { userId: OWNER, channelId: ALERTS });
    await r.quiet();
    const more = [(await makeUser(r.db.ctx, 'late0', {}, owner)).upn, (await makeUser(r.db.ctx, 'late1', {}, owner)).upn];
    const sentBefore = alertsSent().length;
    r.fake.failNext('chat.postMessage', 'not_in_channel');
    await assignProduct(r.db.ctx, owner, { product: BASIC.partNumber, users: { usernames: more }, many: true }); // 1 left, below its own 2
    await r.fake.waitFor((c) => isAlert(c) && c.response.ok === true && (c.args as { channel: string }).channel === `D${OWNER}`);
    await r.quiet();
    const fallback = alertsSent()
      .slice(sentBefore)
      .filter((c) => c.response.ok === true);
    expect(fallback.map((c) => (c.args as { channel: string }).channel).sort()).toEqual([`D${BILLING}`, `D${OWNER}`].sort());
    expect(text(fallback[0]!.args)).toContain(`Roster could not post this in <#${ALERTS}>`);
    await r.sim.command('/licenses', 'alerts channel admins', { userId: OWNER, channelId: ALERTS });
    await r.quiet();
  });

  it('sends the weekly digest at its hour (UTC), once per week, and catches up once after a stop', async () => {
    const on = await r.sim.command('/licenses', 'alerts digest monday 9', { userId: OWNER, channelId: CHANNEL });
    expect(text(on.body)).toContain('Weekly seat digest on Mondays at 09:00 UTC');
    await r.quiet();
    setNow('2026-12-07T08:59:00Z');
    expect(await queueDueDigests(r.db.ctx)).toBe(0); // not yet
    setNow('2026-12-07T09:05:00Z');
    expect(await queueDueDigests(r.db.ctx)).toBe(1);
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && text(c.args).includes('Seats this week'));
    await r.quiet();
    expect(await queueDueDigests(r.db.ctx)).toBe(0);
    const digests = () => r.fake.calls('chat.postMessage').filter((c) => text(c.args).includes('Seats this week'));
    expect(digests()).toHaveLength(2); // the Global and the Billing admin
    expect(validateMessageBlocks((digests()[0]!.args as Message).blocks)).toEqual([]);
    expect(text(digests()[0]!.args)).toMatch(/licensed users? (is|are) proposed for reclaiming|Nobody is proposed for reclaiming licenses/);
    // Three weeks later (Roster was stopped): one digest, for the last Monday.
    setNow('2026-12-29T10:00:00Z');
    expect(await queueDueDigests(r.db.ctx)).toBe(1);
    expect(await queueDueDigests(r.db.ctx)).toBe(0);
    await r.quiet();
    expect(digests()).toHaveLength(4);
    expect(text(digests().at(-1)!.args)).toContain('<!date^1798448400^');
  });
});
