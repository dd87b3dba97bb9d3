import { LogLevel, type Logger, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { webApiPort } from '../../src/slack/web-api-port.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack-api.js';

const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack();
  fake.seedUser({ id: 'U0DMTEST1', realName: 'Dee Em' });
});
afterAll(async () => fake.close());

const opens = () => fake.calls().filter((c) => c.method === 'conversations.open').length;

it('opens a member DM channel once, and again when Slack no longer accepts the remembered one', async () => {
  const slack = webApiPort(new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silent }), fake.botToken);
  const first = await slack.dm('U0DMTEST1', { text: 'one' });
  const second = await slack.dm('U0DMTEST1', { text: 'two' });
  expect(second.channel).toBe(first.channel);
  expect(opens()).toBe(1);

  fake.failNext('chat.postMessage', 'channel_not_found');
  const third = await slack.dm('U0DMTEST1', { text: 'three' });
  expect(third.channel).toBe(first.channel);
  expect(opens()).toBe(2);
  const texts = fake
    .calls()
    .filter((c) => c.method === 'chat.postMessage' && c.response.ok)
    .map((c) => c.args.text);
  expect(texts).toEqual(['one', 'two', 'three']);

  // Any other refusal is the caller's to handle: not retried.
  fake.failNext('chat.postMessage', 'msg_too_long');
  await expect(slack.dm('U0DMTEST1', { text: 'four' })).rejects.toThrow(/msg_too_long/);
  expect(opens()).toBe(2);
});
