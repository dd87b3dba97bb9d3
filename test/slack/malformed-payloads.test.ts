import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK, SHORTCUT } from '../../src/slack/views/ids.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { blockActionPayload, commandPayload, eventEnvelope, globalShortcutPayload, viewSubmissionPayload } from '../support/slack-requests.js';
import { OWNER, seedContoso } from './import-helpers.js';

let r: RosterUnderTest;
beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 3);
});
afterAll(async () => r.stop());

const SECRET_CELL = 'hunter2-secret-value';

/** Signed requests Slack would never send, but a proxy, a replay or a future payload version might. */
const MALFORMED: [string, () => Promise<{ status: number; problems: string[] }>][] = [
  [
    'a view_submission with no view.state',
    () => {
      const p = viewSubmissionPayload(r.sim.identity, { userId: OWNER, view: { id: 'V1', callback_id: CALLBACK.addUser }, values: {} });
      delete (p.view as Record<string, unknown>).state;
      return r.sim.sendInteraction(p);
    },
  ],
  [
    'a view_submission whose values have the wrong types',
    () =>
      r.sim.sendInteraction(
        viewSubmissionPayload(r.sim.identity, {
          userId: OWNER,
          view: { id: 'V1', callback_id: CALLBACK.addUser, hash: 'h' },
          values: {
            alias: { value: { type: 'plain_text_input', value: 42 as unknown as string } },
            password: { value: { type: 'plain_text_input', value: SECRET_CELL } },
          },
        }),
      ),
  ],
  [
    'a view_submission with no user',
    () => {
      const p = viewSubmissionPayload(r.sim.identity, { userId: OWNER, view: { id: 'V1', callback_id: CALLBACK.buyLicenses }, values: {} });
      delete p.user;
      return r.sim.sendInteraction(p);
    },
  ],
  [
    'a button with no actions[0].value',
    () =>
      r.sim.sendInteraction(
        blockActionPayload(r.sim.identity, {
          userId: OWNER,
          channelId: 'C0HIRING01',
          action: { type: 'button', action_id: 'roster_import_cancel', block_id: 'import_actions', action_ts: '1.2' },
        }),
      ),
  ],
  [
    'a block_actions with no actions at all',
    () => {
      const p = blockActionPayload(r.sim.identity, { userId: OWNER, action: {} });
      delete p.actions;
      return r.sim.sendInteraction(p);
    },
  ],
  [
    'a password-mode change with a view of the wrong shape',
    () =>
      r.sim.sendInteraction({
        ...blockActionPayload(r.sim.identity, {
          userId: OWNER,
          action: { type: 'radio_buttons', action_id: 'value', block_id: 'passwordMode', selected_option: { value: 'custom' }, action_ts: '1.2' },
        }),
        view: { id: 7, state: 'x' },
      }),
  ],
  [
    'a slash command with no text',
    () => {
      const fields = commandPayload(r.sim.identity, { command: '/users', text: '', userId: OWNER });
      delete (fields as Record<string, string>).text;
      return r.sim.sendForm(fields);
    },
  ],
  [
    'a slash command with no user_id',
    () => {
      const fields = commandPayload(r.sim.identity, { command: '/licenses', text: 'buy basic 3', userId: OWNER });
      delete (fields as Record<string, string>).user_id;
      return r.sim.sendForm(fields);
    },
  ],
  [
    'a global shortcut with no trigger_id',
    () => {
      const p = globalShortcutPayload(r.sim.identity, { callbackId: SHORTCUT.addUser, userId: OWNER });
      delete p.trigger_id;
      return r.sim.sendInteraction(p);
    },
  ],
  [
    'a message shortcut with no message',
    () =>
      r.sim.sendInteraction({
        ...globalShortcutPayload(r.sim.identity, { callbackId: SHORTCUT.importCsv, userId: OWNER }),
        type: 'message_action',
        channel: { id: 'C0HIRING01' },
      }),
  ],
  [
    'a file_shared event with no file_id',
    () => r.sim.sendJson(eventEnvelope(r.sim.identity, { type: 'file_shared', user_id: OWNER, channel_id: 'C0HIRING01' })),
  ],
  ['an app_home_opened event with no user', () => r.sim.sendJson(eventEnvelope(r.sim.identity, { type: 'app_home_opened', tab: 'home' }))],
  [
    'an interaction of a type Roster does not know',
    () => r.sim.sendInteraction({ type: 'dialog_submission', user: { id: OWNER }, team: { id: r.fake.teamId } }),
  ],
];

describe('malformed payloads are acked at once, ignored and logged once', () => {
  it.each(MALFORMED)('%s', async (what, send) => {
    const logsBefore = r.logs.length;
    const res = await send();
    expect(res.status, what).toBe(200);
    expect(res.problems, what).toEqual([]);
    const logged = r.logs.slice(logsBefore);
    const ignored = logged.filter((line) => line.includes('malformed Slack payload ignored'));
    expect(ignored, logged.join('\n')).toHaveLength(1);
    expect(logged.join('\n')).not.toContain(SECRET_CELL);
    expect(logged.filter((line) => /TypeError|unhandled/.test(line))).toEqual([]);
  });

  it('Roster still answers well-formed requests afterwards', async () => {
    const res = await r.sim.command('/licenses', '', { userId: OWNER });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toMatch(/available/);
  });
});
