import { LogLevel, type Logger, WebAPIPlatformError, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from './fake-slack-api.js';
import { unescapedTextProblems } from './fake-slack/escaping.js';

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
let client: WebClient;
beforeAll(async () => {
  fake = await startFakeSlack();
  client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silent });
});
afterAll(async () => fake.close());

async function errorOf(p: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WebAPIPlatformError) return { error: e.data.error, messages: e.data.response_metadata?.messages ?? [] };
    throw e;
  }
  return { error: 'none', messages: [] };
}

describe('the fake Slack refuses user text that was not escaped', () => {
  it('accepts Roster’s own mentions, channel links and dates, and escaped text', () => {
    expect(
      unescapedTextProblems('<@U0OWNER> added *&lt;b&gt;&amp;* on <!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13 UTC> in <#C0HIRING01>', 't'),
    ).toEqual([]);
  });

  it('flags broadcasts, links, a bare & and a bare >', () => {
    for (const text of ['<!channel> hires.csv', '<!here>', '<!everyone>', '<https://evil.example|click>', '<b>', 'R&D', 'a > b', '<!date^1^{date}>']) {
      expect(unescapedTextProblems(text, 't'), text).not.toEqual([]);
    }
  });

  it('refuses such a message in the text, in blocks and in a view', async () => {
    const inText = await errorOf(client.chat.postMessage({ channel: 'C0GENERAL1', text: 'Verified <!channel> hires.csv' }));
    expect(inText.error).toBe('unescaped_text');
    expect(inText.messages.join(' ')).toMatch(/text: unescaped "<" at "<!channel> hires.csv"/);
    const inBlocks = await errorOf(
      client.chat.postMessage({ channel: 'C0GENERAL1', text: 'ok', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Verified <!here>' } }] }),
    );
    expect(inBlocks.messages.join(' ')).toMatch(/blocks\/0\/text: unescaped "<"/);
    const inView = await errorOf(
      client.views.publish({ user_id: 'U0OWNER', view: { type: 'home', blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'R&D' }] }] } }),
    );
    expect(inView.error).toBe('unescaped_text');
    const fine = await errorOf(client.chat.postMessage({ channel: 'C0GENERAL1', text: 'Verified &lt;!channel&gt; hires.csv' }));
    expect(fine.error).toBe('none');
  });
});
