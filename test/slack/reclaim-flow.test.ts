import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { blockUser } from '../../src/core/users/block-user.js';
import type { MemberActor } from '../../src/core/context.js';
import { SEATS } from '../../src/slack/views/seat-ids.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { countRows, seedTenant } from '../support/test-db.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const LENA = 'U0LENA';
const HELPDESK = 'U0HELPDESK';
const CHANNEL = 'C0GENERAL1';
let owner: MemberActor;
type Block = { type: string; block_id?: string; text?: { text: string }; elements?: { action_id?: string; value?: string; confirm?: unknown }[] };
type Message = { text: string; blocks: Block[] };
const text = (value: unknown) => JSON.stringify(value);
const buttons = (message: Message) => message.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
let ts = 100;
const asMessage = (message: Message) => ({ ...message, ts: `1700000000.000${ts++}`, channel: CHANNEL });

async function blockedWithBasic(alias: string): Promise<string> {
  const user = await makeUser(r.db.ctx, alias, { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }, owner);
  const blocked = await blockUser(r.db.ctx, owner, { username: user.upn });
  if (!blocked.ok) throw new Error(blocked.message);
  return user.upn;
}

/** Presses a button of a message shown by the app and returns the message that replaced it. */
async function press(message: Message, actionId: string, value: string, userId = LENA): Promise<Message> {
  const before = r.fake.calls().length;
  const blockId = message.blocks.find((b) => b.elements?.some((e) => e.action_id === actionId && e.value === value))?.block_id;
  await r.sim.blockAction({ userId, actionId, blockId, message: asMessage(message), channelId: CHANNEL });
  return (await r.fake.waitFor('$response_url', { after: before })).args as Message;
}

beforeAll(async () => {
  r = await startRosterUnderTest();
  for (const [id, name] of [
    [OWNER, 'Olivia Owner'],
    [LENA, 'Lena License'],
    [HELPDESK, 'Hal Helpdesk'],
  ] as const)
    r.fake.seedUser({ id, realName: name, isOwner: id === OWNER });
  owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  await seedTenant(r.db.ctx, owner);
  await makeUser(r.db.ctx, 'lena', { roles: ['license_admin'], slackUserId: LENA }, owner);
  await makeUser(r.db.ctx, 'hal', { roles: ['helpdesk_admin'], slackUserId: HELPDESK }, owner);
  await buyLicenses(r.db.ctx, owner, { product: BASIC.partNumber, quantity: 40 });
  await r.sim.command('/licenses', 'price business basic 6.00 EUR', { userId: OWNER, channelId: CHANNEL });
  for (const alias of ['ana', 'bo', 'cy']) await blockedWithBasic(alias);
  await r.quiet();
});
afterAll(async () => r.stop());

describe('/licenses reclaim', () => {
  it('shows blocked users holding licenses with what they cost; Keep and Reclaim change the report in place', async () => {
    const shown = await r.sim.command('/licenses', 'reclaim', { userId: LENA, channelId: CHANNEL });
    expect(shown.problems).toEqual([]);
    const report = shown.body as Message;
    expect(validateMessageBlocks(report.blocks)).toEqual([]);
    expect(text(report)).toContain('3 users whose sign-in is blocked hold 3 licenses, €18.00 a month.');
    expect(text(report)).toContain('Users who have not signed in for a while are proposed only on a connected Microsoft 365 tenant');
    const ana = (await r.db.db.selectFrom('DirectoryUser').select('id').where('aliasKey', '=', 'ana').executeTakeFirstOrThrow()).id;
    const bo = (await r.db.db.selectFrom('DirectoryUser').select('id').where('aliasKey', '=', 'bo').executeTakeFirstOrThrow()).id;
    expect(buttons(report).find((b) => b.action_id === SEATS.reclaimUser && b.value === bo)?.confirm).toMatchObject({ title: { text: 'Reclaim licenses' } });
    const kept = await press(report, SEATS.keepUser, ana);
    expect(validateMessageBlocks(kept.blocks)).toEqual([]);
    expect(text(kept)).toContain('Kept ana@contoso.onmicrosoft.com: not proposed again for now.');
    expect(text(kept)).toContain('2 users whose sign-in is blocked');
    expect(text(kept)).toMatch(/Kept: `ana@contoso\.onmicrosoft\.com` until <!date\^\d+\^/);
    const reclaimed = await press(kept, SEATS.reclaimUser, bo);
    expect(text(reclaimed)).toContain('Reclaimed a license from bo@contoso.onmicrosoft.com.');
    expect(text(reclaimed)).toContain('1 user whose sign-in is blocked holds 1 license');
    const keepTime = await r.sim.command('/licenses', 'reclaim keep-days 30', { userId: OWNER, channelId: CHANNEL });
    expect(text(keepTime.body)).toContain('now left out for 30 days (was 90)');
    await r.quiet();
    expect(text((await r.sim.command('/licenses', 'reclaim', { userId: LENA, channelId: CHANNEL })).body)).toContain('Keep leaves a user out for 30 days');
    const helpdesk = await r.sim.command('/licenses', 'reclaim', { userId: HELPDESK, channelId: CHANNEL });
    expect(buttons(helpdesk.body as Message)).toEqual([]);
  });

  it('Reclaim all asks first, runs as one job, answers with one DM; a confirmation of a list that changed is refused', async () => {
    for (let i = 0; i < 20; i++) await blockedWithBasic(`gone${i}`);
    const report = (await r.sim.command('/licenses', 'reclaim', { userId: LENA, channelId: CHANNEL })).body as Message;
    const all = buttons(report).find((b) => b.action_id === SEATS.reclaimAll)!;
    expect(all.confirm).toMatchObject({
      title: { text: 'Reclaim licenses' },
      text: { text: expect.stringContaining('Take 21 licenses from 21 blocked users?') },
    });
    expect(text(report)).toContain('and 6 more users');
    // Someone blocks one more before the button is pressed: the list shown is not the list now.
    await blockedWithBasic('late');
    const refused = await press(report, SEATS.reclaimAll, all.value!);
    expect(text(refused)).toContain('The report changed since it was confirmed: it proposes 22 users now, 21 were confirmed.');
    const fresh = buttons(refused).find((b) => b.action_id === SEATS.reclaimAll)!;
    const started = await press(refused, SEATS.reclaimAll, fresh.value!);
    expect(text(started)).toContain('Reclaiming the licenses of 22 users: the results come as one DM from Roster.');
    const dm = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && text(c.args).includes('Reclaimed 22 licenses'));
    await r.quiet();
    expect(text(dm.args)).toContain('Reclaimed 22 licenses from 22 users (€132.00 a month); 0 not done.');
    expect((dm.args as { channel: string }).channel).toBe(`D${LENA}`);
    expect(validateMessageBlocks((dm.args as Message).blocks)).toEqual([]);
    expect(r.fake.calls('chat.postMessage').filter((c) => text(c.args).includes('Reclaimed 22'))).toHaveLength(1);
    expect(await countRows(r.db.db, 'Job', (q) => q.where('kind', '=', 'licenses.reclaim'))).toBe(1);
    const after = (await r.sim.command('/licenses', 'reclaim', { userId: LENA, channelId: CHANNEL })).body as Message;
    expect(text(after)).toContain('Nobody to propose');
  });
});
