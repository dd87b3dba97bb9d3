import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { ACTION } from '../../src/slack/views/ids.js';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const CHANNEL = 'C0GENERAL1';
let anaId = '';

beforeAll(async () => {
  r = await startRosterUnderTest();
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  await seedTenant(r.db.ctx, owner);
  await buyLicenses(r.db.ctx, owner, { product: BASIC.partNumber, quantity: 2 });
  anaId = (await makeUser(r.db.ctx, 'ana', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }, owner)).id;
});
afterAll(async () => r.stop());

describe('/licenses users <product>', () => {
  it("lists the product's users, each with an Apps button that opens their licenses and apps", async () => {
    const res = await r.sim.command('/licenses', `users ${BASIC.partNumber}`, { userId: OWNER, channelId: CHANNEL });
    const message = res.body as { blocks: { accessory?: { action_id?: string; value?: string } }[] };
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    const apps = message.blocks.find((b) => b.accessory?.value === `licenses:${anaId}`);
    expect(apps?.accessory?.action_id).toBe(ACTION.userRowAction);
    const before = r.fake.calls().length;
    await r.sim.blockAction({
      userId: OWNER,
      actionId: ACTION.userRowAction,
      message: { ...(res.body as object), ts: '1700000000.000100', channel: CHANNEL },
      channelId: CHANNEL,
    });
    const opened = await r.fake.waitFor('views.open', { after: before });
    expect(JSON.stringify(opened.args)).toContain(BASIC.displayName);
  });
});
