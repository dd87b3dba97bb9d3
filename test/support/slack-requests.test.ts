/** SlackClientSim + fake Slack driving a real Bolt App end to end (the way e2e tests will). */
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './fake-slack-api.js';
import { SlackClientSim, plainText, signSlackRequest, staticSelect, usersSelect } from './slack-requests.js';

const SECRET = 'test-signing-secret';
let fake: FakeSlack;
let app: App;
let sim: SlackClientSim;

const addUserModal = {
  type: 'modal' as const,
  callback_id: 'add_user',
  title: { type: 'plain_text' as const, text: 'Add user' },
  submit: { type: 'plain_text' as const, text: 'Add' },
  private_metadata: 'C0GENERAL1',
  blocks: [
    { type: 'input', block_id: 'name', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'value', max_length: 20 } },
    {
      type: 'input',
      block_id: 'dept',
      label: { type: 'plain_text', text: 'Department' },
      element: {
        type: 'static_select',
        action_id: 'value',
        options: [
          { text: { type: 'plain_text', text: 'Engineering' }, value: 'eng' },
          { text: { type: 'plain_text', text: 'Sales' }, value: 'sales' },
        ],
      },
    },
    {
      type: 'input',
      block_id: 'managers',
      optional: true,
      label: { type: 'plain_text', text: 'Managers' },
      element: { type: 'multi_users_select', action_id: 'value' },
    },
  ],
};

beforeAll(async () => {
  fake = await startFakeSlack();
  app = new App({
    token: fake.botToken,
    signingSecret: SECRET,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/roster', async ({ ack, body, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: addUserModal });
  });
  app.view('add_user', async ({ ack, view, body, client }) => {
    const name = view.state.values.name?.value?.value ?? '';
    if (name === 'taken') {
      await ack({ response_action: 'errors', errors: { name: 'That name is taken' } });
      return;
    }
    await ack();
    const dept = view.state.values.dept?.value?.selected_option?.text.text ?? '?';
    const managers = view.state.values.managers?.value?.selected_users ?? [];
    await client.chat.postMessage({
      channel: body.user.id,
      text: `Added ${name} to ${dept} (${managers.length} managers)`,
      blocks: [
        { type: 'actions', block_id: 'act', elements: [{ type: 'button', action_id: 'undo', value: name, text: { type: 'plain_text', text: 'Undo' } }] },
      ],
    });
  });
  app.action('undo', async ({ ack, respond }) => {
    await ack();
    await respond({ text: 'Undone', replace_original: true });
  });
  app.event('app_mention', async ({ event, say }) => {
    await say({ text: `hi <@${event.user}>`, thread_ts: event.ts });
  });
  app.shortcut('open_picker', async ({ ack, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'picker',
        title: { type: 'plain_text', text: 'Pick' },
        blocks: [
          {
            type: 'section',
            block_id: 'pick_block',
            text: { type: 'mrkdwn', text: 'Choose a licence' },
            accessory: { type: 'static_select', action_id: 'pick', options: [{ text: { type: 'plain_text', text: 'Microsoft 365 E3' }, value: 'e3' }] },
          },
        ],
      },
    });
  });
  app.action('pick', async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const chosen = body.actions[0]?.type === 'static_select' ? body.actions[0].selected_option.text.text : '?';
    await client.views.push({
      trigger_id: body.trigger_id,
      view: { type: 'modal', title: { type: 'plain_text', text: 'Confirm' }, blocks: [{ type: 'section', text: { type: 'plain_text', text: chosen } }] },
    });
  });
  app.shortcut('flag_message', async ({ ack, respond }) => {
    await ack();
    await respond({ text: 'Flagged' });
  });
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  sim = new SlackClientSim({ appUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRET, fake });
});
afterAll(async () => {
  await app.stop();
  await fake.close();
});
beforeEach(() => fake.reset());

describe('SlackClientSim against a Bolt app', () => {
  it('runs command -> modal -> submission -> DM -> button -> response_url', async () => {
    const cmd = await sim.command('/roster', 'add', { userId: 'U0ADMIN01' });
    expect(cmd).toMatchObject({ status: 200, problems: [] });
    await fake.waitFor('views.open');
    const [view] = fake.viewsOpened();
    expect(view?.callback_id).toBe('add_user');

    const sub = await sim.viewSubmission(
      view ?? {},
      { name: { value: plainText('Alice') }, dept: { value: staticSelect('eng') }, managers: { value: usersSelect(['U0BOSS001']) } },
      { userId: 'U0ADMIN01' },
    );
    expect(sub).toMatchObject({ status: 200, problems: [] });
    await fake.waitFor('chat.postMessage');
    const [dm] = fake.dmsTo('U0ADMIN01');
    expect(dm?.text).toBe('Added Alice to Engineering (1 managers)');

    await sim.blockAction({ userId: 'U0ADMIN01', actionId: 'undo', message: dm });
    await fake.waitFor('$response_url');
    expect(fake.dmsTo('U0ADMIN01')[0]?.text).toBe('Undone');
  });

  it('shows response_action errors and checks them against the view', async () => {
    await sim.command('/roster', 'add', { userId: 'U0ADMIN01' });
    const call = await fake.waitFor('views.open');
    const view = call.response.view as Record<string, unknown>;
    const sub = await sim.viewSubmission(view, { name: { value: plainText('taken') }, dept: { value: staticSelect('sales') } }, { userId: 'U0ADMIN01' });
    expect(sub.body).toEqual({ response_action: 'errors', errors: { name: 'That name is taken' } });
    expect(sub.problems).toEqual([]);
    expect(fake.viewRecord(String(view.id))?.closed).toBe(false);
  });

  it('refuses submissions Slack would never send', async () => {
    await sim.command('/roster', 'add', { userId: 'U0ADMIN01' });
    await fake.waitFor('views.open');
    const view = fake.viewsOpened()[0] ?? {};
    await expect(sim.viewSubmission(view, { name: { value: plainText('Bob') } }, { userId: 'U0ADMIN01' })).rejects.toThrow(
      /required input dept\.value is empty/,
    );
    await expect(sim.viewSubmission(view, { name: { value: plainText('Bob') }, dept: { value: staticSelect('hr') } }, { userId: 'U0ADMIN01' })).rejects.toThrow(
      /no option with value "hr"/,
    );
    await expect(
      sim.viewSubmission(view, { name: { value: plainText('x'.repeat(21)) }, dept: { value: staticSelect('eng') } }, { userId: 'U0ADMIN01' }),
    ).rejects.toThrow(/max_length/);
    await expect(sim.viewSubmission(view, { nmae: { value: plainText('Bob') } }, { userId: 'U0ADMIN01' })).rejects.toThrow(/no such element/);
  });

  it('delivers events with retry headers and answers url_verification', async () => {
    const res = await sim.event(
      { type: 'app_mention', user: 'U0ALICE01', text: '<@U0ROSTERBOT> hi', channel: 'C0GENERAL1', ts: '1700000001.000100' },
      { retryNum: 1, retryReason: 'http_timeout' },
    );
    expect(res.status).toBe(200);
    await fake.waitFor('chat.postMessage');
    expect(fake.messagesIn('C0GENERAL1')[0]).toMatchObject({ text: 'hi <@U0ALICE01>', thread_ts: '1700000001.000100' });
    expect((await sim.urlVerification('abc123')).body).toEqual({ challenge: 'abc123' });
  });

  it('runs shortcuts and block actions inside a modal (views.push stacks on it)', async () => {
    await sim.globalShortcut('open_picker', { userId: 'U0ADMIN01' });
    const opened = await fake.waitFor('views.open');
    const first = opened.response.view as { id: string };
    await sim.blockAction({ userId: 'U0ADMIN01', view: first, actionId: 'pick', selectedOption: 'e3' });
    const pushed = await fake.waitFor('views.push');
    expect(pushed.response.ok).toBe(true);
    const rec = fake.viewRecord((pushed.response.view as { id: string }).id);
    expect(rec?.view).toMatchObject({ previous_view_id: first.id, root_view_id: first.id, blocks: [{ text: { text: 'Microsoft 365 E3' } }] });
    await expect(sim.blockAction({ userId: 'U0ADMIN01', view: first, actionId: 'pick', selectedOption: 'zz' })).rejects.toThrow(/no option with value "zz"/);

    const [msg] = fake.messagesIn('C0GENERAL1');
    expect(msg).toBeUndefined();
    await sim.messageShortcut('flag_message', {
      userId: 'U0ADMIN01',
      channelId: 'C0GENERAL1',
      message: { type: 'message', user: 'U0ALICE01', ts: '1700000000.000001', text: 'hello' },
    });
    await fake.waitFor('$response_url');
    expect(fake.ephemeralsTo('U0ADMIN01', 'C0GENERAL1').map((m) => m.text)).toEqual(['Flagged']);
  });

  it('gets 401 for a bad signature or a stale timestamp', async () => {
    const body = new URLSearchParams({ command: '/roster', text: '' }).toString();
    const bad = await sim.raw(body, { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest('wrong-secret', body) });
    expect(bad.status).toBe(401);
    const stale = signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000) - 6 * 60);
    expect((await sim.raw(body, { 'content-type': 'application/x-www-form-urlencoded', ...stale })).status).toBe(401);
  });
});
