import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { plainText } from '../support/slack-requests.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';
import { makeUser } from '../lifecycle/helpers.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
let upn = '';

beforeAll(async () => {
  r = await startRosterUnderTest();
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  await seedTenant(r.db.ctx, owner);
  upn = (await makeUser(r.db.ctx, 'kim', {}, owner)).upn;
  await deleteUsers(r.db.ctx, owner, { usernames: [upn] });
});
afterAll(async () => r.stop());

describe('/users purge', () => {
  it('opens a form that asks for the username again, refuses anything else on its field, then removes the user for good and says so by DM', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', `purge ${upn}`, { userId: OWNER, channelId: 'C0GENERAL1' });
    const opened = await r.fake.waitFor('views.open', { after: before });
    const modal = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    expect(JSON.stringify(modal)).toContain('nobody can restore them afterwards');
    const wrong = await r.sim.viewSubmission(modal, { confirm: { value: plainText('kim') } }, { userId: OWNER });
    expect(wrong.body).toMatchObject({ response_action: 'errors', errors: { confirm: `Type ${upn} to confirm.` } });
    const sent = r.fake.calls().length;
    const right = await r.sim.viewSubmission(modal, { confirm: { value: plainText(upn) } }, { userId: OWNER });
    expect(right.problems).toEqual([]);
    const dm = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && String(c.args.text).includes('for good'), { after: sent });
    expect(String(dm.args.text)).toBe(`Removed ${upn} for good: it can no longer be restored.`);
  });
});
