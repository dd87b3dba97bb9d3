import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { CHANNEL, OWNER, dmWith } from './import-helpers.js';

let r: RosterUnderTest;
beforeAll(async () => {
  r = await startRosterUnderTest();
});
afterAll(async () => r.stop());

const dm = dmWith(OWNER);
const typed = (ts: string, extra: Record<string, unknown> = {}) => ({
  type: 'message',
  text: 'how do I add someone?',
  user: OWNER,
  channel: dm,
  channel_type: 'im',
  ts,
  ...extra,
});

describe('the Messages tab with Roster', () => {
  it('answers a typed message with the short help, once, and nothing else it is sent', async () => {
    await r.quiet();
    const before = r.fake.calls().length;
    // None of these is a person typing to Roster: an edit, a deletion, a bot, Roster itself, a channel message.
    await r.sim.event(typed('1700005555.000100', { subtype: 'message_changed', message: { text: 'edited' } }));
    await r.sim.event(typed('1700005555.000200', { subtype: 'message_deleted' }));
    await r.sim.event(typed('1700005555.000300', { user: undefined, bot_id: 'B0OTHERBOT', subtype: 'bot_message' }));
    await r.sim.event(typed('1700005555.000400', { bot_id: 'B0OTHERBOT' }));
    await r.sim.event(typed('1700005555.000500', { user: r.fake.botUserId }));
    await r.sim.event({ ...typed('1700005555.000600'), channel: CHANNEL, channel_type: 'channel' });
    // A person typing, delivered twice (Slack retries when an ack is late).
    const question = typed('1700005555.000700');
    await r.sim.event(question, { eventId: 'Ev0DMHELP01' });
    await r.sim.event(question, { eventId: 'Ev0DMHELP01', retryNum: 1, retryReason: 'http_timeout' });
    const reply = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === dm, { after: before });
    expect(String(reply.args.text)).toContain('`/users add`');
    expect(validateMessageBlocks(reply.args.blocks)).toEqual([]);
    // Then an App Home visit: once its view is published, the events sent before it were handled.
    await r.sim.event({ type: 'app_home_opened', user: OWNER, channel: dm, tab: 'home', event_ts: '1700005555.000900' });
    await r.fake.waitFor('views.publish', { after: before });
    expect(
      r.fake
        .calls()
        .slice(before)
        .map((c) => c.method)
        // Before setup, the App Home asks Slack whether this member may set Roster up.
        .filter((method) => method !== 'users.info'),
    ).toEqual(['chat.postMessage', 'views.publish']);
  });
});
