import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/views/ids.js';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { plainText } from '../support/slack-requests.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const CHANNEL = 'C0GENERAL1';
type Message = { text: string; blocks: { type: string; text?: { text: string }; elements?: { action_id?: string; value?: string; confirm?: unknown }[] }[] };
const text = (value: unknown) => JSON.stringify(value);
const buttons = (message: Message) => message.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

beforeAll(async () => {
  r = await startRosterUnderTest();
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  await seedTenant(r.db.ctx, { teamId: r.fake.teamId, slackUserId: OWNER });
});
afterAll(async () => r.stop());

describe('/users domains', () => {
  it('adds a domain from the form, shows its TXT record in the list, verifies it with the button, and asks before Remove', async () => {
    const listed = await r.sim.command('/users', 'domains', { userId: OWNER, channelId: CHANNEL });
    const list = listed.body as Message;
    expect(validateMessageBlocks(list.blocks)).toEqual([]);
    expect(text(list)).toContain('contoso.onmicrosoft.com');
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.addDomain, message: { ...list, ts: '1700000000.000100', channel: CHANNEL }, channelId: CHANNEL });
    const opened = await r.fake.waitFor('views.open', { after: before });
    const form = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    const bad = await r.sim.viewSubmission(form, { domain: { value: plainText('contoso') } }, { userId: OWNER });
    expect(bad.body).toMatchObject({ response_action: 'errors', errors: { domain: expect.stringMatching(/not a domain name/) } });
    const submitted = r.fake.calls().length;
    const added = await r.sim.viewSubmission(form, { domain: { value: plainText('Contoso.com') } }, { userId: OWNER });
    expect(added.problems).toEqual([]);
    const shown = (await r.fake.waitFor('$response_url', { after: submitted })).args as Message;
    expect(validateMessageBlocks(shown.blocks)).toEqual([]);
    expect(text(shown)).toMatch(/Added contoso\.com/);
    expect(text(shown)).toMatch(/add a TXT record for \*contoso\.com\* with the value `roster-verification=[0-9a-f]{24}`/);
    const verify = buttons(shown).find((b) => b.action_id === ACTION.verifyDomain)!;
    expect(verify.value).toBe('contoso.com');
    const pressed = r.fake.calls().length;
    await r.sim.blockAction({
      userId: OWNER,
      actionId: ACTION.verifyDomain,
      message: { ...shown, ts: '1700000000.000200', channel: CHANNEL },
      channelId: CHANNEL,
    });
    const verified = (await r.fake.waitFor('$response_url', { after: pressed })).args as Message;
    expect(text(verified)).toContain('Verified contoso.com: users can now have usernames on it.');
    const remove = buttons(verified).find((b) => b.action_id === ACTION.removeDomain && b.value === 'contoso.com');
    expect(remove?.confirm).toMatchObject({ title: { text: 'Remove the domain?' } });
  });

  it('says the verb it does not know, and refuses a member with no admin role', async () => {
    const wrong = await r.sim.command('/users', 'domains buy contoso.com', { userId: OWNER, channelId: CHANNEL });
    expect(text(wrong.body)).toContain("Roster doesn't know `/users domains buy`");
    const typed = await r.sim.command('/users', 'domains add fabrikam.com', { userId: OWNER, channelId: CHANNEL });
    expect(text(typed.body)).toContain('Added fabrikam.com.');
    r.fake.seedUser({ id: 'U0NOBODY', realName: 'No Body' });
    const refused = await r.sim.command('/users', 'domains', { userId: 'U0NOBODY', channelId: CHANNEL });
    expect(text(refused.body)).toMatch(/You have no admin role/);
  });
});
