import { verifySlackRequest } from '@slack/bolt';
import { type Logger, LogLevel, WebAPIPlatformError, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type FakeSlack, startFakeSlack } from './fake-slack-api.js';
import { signSlackRequest } from './slack-requests.js';

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

const clientFor = (token: string, f: FakeSlack = fake) => new WebClient(token, { slackApiUrl: f.apiUrl, retryConfig: { retries: 0 }, logger: silent });

async function slackError(p: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WebAPIPlatformError) return { error: e.data.error, messages: e.data.response_metadata?.messages ?? [] };
    throw e;
  }
  throw new Error('expected the call to fail');
}

const modal = (extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  callback_id: 'add_user',
  title: { type: 'plain_text' as const, text: 'Add user' },
  submit: { type: 'plain_text' as const, text: 'Add' },
  blocks: [
    {
      type: 'input',
      block_id: 'name',
      label: { type: 'plain_text', text: 'Name' },
      element: { type: 'plain_text_input', action_id: 'value' },
    },
  ],
  ...extra,
});

beforeAll(async () => {
  fake = await startFakeSlack();
  client = clientFor(fake.botToken);
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('fake Slack Web API', () => {
  it('answers auth.test with the bot identity', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, team_id: fake.teamId, user_id: fake.botUserId, bot_id: fake.botId });
  });

  it('refuses a wrong token with invalid_auth, unknown methods and missing arguments', async () => {
    expect((await slackError(clientFor('xoxb-wrong').auth.test())).error).toBe('invalid_auth');
    expect((await slackError(client.apiCall('nope.nothing'))).error).toBe('unknown_method');
    const missing = await slackError(client.apiCall('chat.postMessage', { text: 'hi' }));
    expect(missing.error).toBe('invalid_arguments');
    expect(missing.messages.join()).toContain('channel');
  });

  it('tells tokens apart like Slack: none, the wrong kind, unknown; apps.connections.open takes the app token', async () => {
    expect(await slackError(clientFor('').auth.test())).toMatchObject({ error: 'not_authed' });
    expect(await slackError(clientFor(fake.appToken).auth.test())).toMatchObject({ error: 'not_allowed_token_type' });
    expect(await slackError(clientFor(fake.botToken).apps.connections.open())).toMatchObject({ error: 'not_allowed_token_type' });
    expect(await slackError(clientFor('xapp-1-unknown').apps.connections.open())).toMatchObject({ error: 'invalid_auth' });
    const opened = await clientFor(fake.appToken).apps.connections.open();
    expect(opened.url).toMatch(new RegExp(`^${fake.url.replace('http', 'ws')}/link/\\?ticket=[0-9a-f-]+&app_id=${fake.appId}$`));
    // The URL opens one websocket, which starts with hello; a second use is refused.
    const first = new WebSocket(String(opened.url));
    const hello = await new Promise<Record<string, unknown>>((resolve) => first.once('message', (data) => resolve(JSON.parse(String(data)))));
    expect(hello).toMatchObject({ type: 'hello', connection_info: { app_id: fake.appId } });
    first.close();
    const again = new WebSocket(String(opened.url));
    const refused = await new Promise<Error>((resolve) => again.once('error', resolve));
    expect(refused.message).toBe('Unexpected server response: 401');
  });

  it('round-trips chat.postMessage and chat.update and records the calls', async () => {
    const first = await client.chat.postMessage({ channel: 'C0GENERAL1', text: 'hello' });
    const second = await client.chat.postMessage({ channel: 'C0GENERAL1', text: 'again', thread_ts: first.ts });
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const updated = await client.chat.update({
      channel: 'C0GENERAL1',
      ts: first.ts ?? '',
      text: 'edited',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*edited*' } }],
    });
    expect(updated.ts).toBe(first.ts);
    const [msg, reply] = fake.messagesIn('C0GENERAL1');
    expect(msg).toMatchObject({ text: 'edited', edited: { user: fake.botUserId } });
    expect(msg?.history?.[0]?.text).toBe('hello');
    expect(reply).toMatchObject({ text: 'again', thread_ts: first.ts });
    expect(fake.calls('chat.update')[0]?.args.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*edited*' } }]);
    expect((await slackError(client.chat.update({ channel: 'C0GENERAL1', ts: '1.2', text: 'x' }))).error).toBe('message_not_found');
  });

  it('delivers messages posted to a user id into the D<user> DM channel', async () => {
    fake.seedUser({ id: 'U0ALICE01', realName: 'Alice Smith', email: 'alice@example.com', isAdmin: true });
    const opened = await client.conversations.open({ users: 'U0ALICE01' });
    expect(opened.channel?.id).toBe('DU0ALICE01');
    const posted = await client.chat.postMessage({ channel: 'U0ALICE01', text: 'hi Alice' });
    expect(posted.channel).toBe('DU0ALICE01');
    expect(fake.dmsTo('U0ALICE01').map((m) => m.text)).toEqual(['hi Alice']);
    // chat.update needs the DM channel id, like Slack
    expect((await slackError(client.chat.update({ channel: 'U0ALICE01', ts: posted.ts ?? '', text: 'x' }))).error).toBe('channel_not_found');
    const info = await client.users.info({ user: 'U0ALICE01' });
    expect(info.user).toMatchObject({ real_name: 'Alice Smith', is_admin: true, profile: { email: 'alice@example.com', first_name: 'Alice' } });
    expect((await slackError(client.users.info({ user: 'U0NOBODY1' }))).error).toBe('user_not_found');
  });

  it('refuses invalid blocks with a message naming the problem', async () => {
    const long = await slackError(
      client.chat.postMessage({ channel: 'C1', text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3001) } }] }),
    );
    expect(long.error).toBe('invalid_blocks');
    expect(long.messages[0]).toMatch(/^\[ERROR\] section text must be at most 3000 characters.*\/blocks\/0\/text\/text/);
    const dup = await slackError(
      client.chat.postMessage({
        channel: 'C1',
        text: 'x',
        blocks: [
          { type: 'divider', block_id: 'a' },
          { type: 'divider', block_id: 'a' },
        ],
      }),
    );
    expect(dup.messages.join()).toContain('duplicate block_id "a"');
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    expect((await slackError(client.chat.postMessage({ channel: 'C1', text: 'x', blocks: tooMany }))).messages.join()).toContain('50 blocks');
    expect((await slackError(client.chat.postMessage({ channel: 'C1', text: 'x'.repeat(40001) }))).error).toBe('msg_too_long');
    const noSubmit = await slackError(client.views.open({ trigger_id: fake.issueTriggerId(), view: modal({ submit: undefined }) }));
    expect(noSubmit.messages.join()).toContain('must have a submit button');
    expect(fake.messagesIn('C1')).toEqual([]);
  });

  it('checks trigger ids on views.open: unknown, reused and expired ones fail', async () => {
    const trigger = fake.issueTriggerId();
    const opened = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'add_user', hash: expect.any(String) });
    expect(fake.viewsOpened()).toHaveLength(1);
    expect((await slackError(client.views.open({ trigger_id: trigger, view: modal() }))).error).toBe('invalid_trigger_id');
    expect((await slackError(client.views.open({ trigger_id: '123.456.abc', view: modal() }))).error).toBe('invalid_trigger_id');
    const quick = await startFakeSlack({ triggerTtlMs: 10 });
    try {
      const old = quick.issueTriggerId();
      await new Promise((r) => setTimeout(r, 30));
      expect((await slackError(clientFor(quick.botToken, quick).views.open({ trigger_id: old, view: modal() }))).error).toBe('expired_trigger_id');
    } finally {
      await quick.close();
    }
  });

  it('updates views by id with hash checks and publishes home tabs', async () => {
    const { view } = await client.views.open({ trigger_id: fake.issueTriggerId(), view: modal() });
    const id = view?.id ?? '';
    const hash = view?.hash ?? '';
    const updated = await client.views.update({ view_id: id, hash, view: modal({ title: { type: 'plain_text', text: 'Step 2' } }) });
    expect(updated.view?.id).toBe(id);
    expect(fake.views.get(id)?.title).toEqual({ type: 'plain_text', text: 'Step 2' });
    expect((await slackError(client.views.update({ view_id: id, hash, view: modal() }))).error).toBe('hash_conflict');
    expect((await slackError(client.views.update({ view_id: 'V404', view: modal() }))).error).toBe('not_found');
    await client.views.publish({ user_id: 'U0ALICE01', view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Home' } }] } });
    expect(fake.homeOf('U0ALICE01')?.blocks).toHaveLength(1);
  });

  it('round-trips filesUploadV2: stores the bytes and shares them into the thread', async () => {
    const root = await client.chat.postMessage({ channel: 'C0GENERAL1', text: 'report follows' });
    const bytes = Buffer.from('email,license\nalice@example.com,E3\n');
    await client.filesUploadV2({ channel_id: 'C0GENERAL1', thread_ts: root.ts ?? '', initial_comment: 'Here it is', file: bytes, filename: 'report.csv' });
    const [file] = fake.uploadedFiles();
    expect(file).toMatchObject({ name: 'report.csv', channels: ['C0GENERAL1'], threadTs: root.ts, initialComment: 'Here it is', completed: true });
    expect(file?.bytes.equals(bytes)).toBe(true);
    const shared = fake.messagesIn('C0GENERAL1').find((m) => m.files !== undefined);
    expect(shared).toMatchObject({ text: 'Here it is', thread_ts: root.ts, files: [{ id: file?.id, filetype: 'csv' }] });
    const badChannel = await slackError(client.files.completeUploadExternal({ files: [{ id: file?.id ?? '' }], channel_id: 'U0ALICE01' }));
    expect(badChannel.error).toBe('invalid_arguments');
    expect((await slackError(client.files.completeUploadExternal({ files: [{ id: 'F404' }] }))).error).toBe('file_not_found');
  });

  it('files.delete removes only a file the app uploaded, by a real file id; chat.delete wants the DM channel id', async () => {
    const uploaded = await client.filesUploadV2({ channel_id: 'DU0ALICE01', file: Buffer.from('a\n'), filename: 'results.csv' });
    const id = uploaded.files[0]?.files?.[0]?.id ?? '';
    expect(id).toMatch(/^F/);
    expect((await slackError(client.files.delete({ file: 'results.csv' }))).error).toBe('invalid_arguments');
    expect((await slackError(client.files.delete({ file: 'F404404' }))).error).toBe('file_not_found');
    const theirs = fake.addFile({ name: 'theirs.csv', bytes: Buffer.from('x'), user: 'U0ALICE01' });
    expect((await slackError(client.files.delete({ file: theirs.id }))).error).toBe('cant_delete_file');
    await client.files.delete({ file: id });
    expect(fake.uploadedFiles().some((f) => f.id === id)).toBe(false);
    expect((await slackError(client.files.info({ file: id }))).error).toBe('file_not_found');
    expect(fake.messagesIn('DU0ALICE01').some((m) => m.files?.some((f) => f.id === id))).toBe(false);
    const posted = await client.chat.postMessage({ channel: 'U0ALICE01', text: 'results' });
    expect((await slackError(client.chat.delete({ channel: 'U0ALICE01', ts: posted.ts ?? '' }))).error).toBe('channel_not_found');
    await client.chat.delete({ channel: posted.channel ?? '', ts: posted.ts ?? '' });
    expect(fake.messagesIn(posted.channel ?? '').some((m) => m.ts === posted.ts)).toBe(false);
  });

  it('serves files.info and downloads only with the bot token', async () => {
    const added = fake.addFile({ name: 'users.csv', bytes: Buffer.from('a,b\n1,2\n'), user: 'U0ALICE01' });
    const info = await client.files.info({ file: added.id });
    expect(info.file).toMatchObject({ id: added.id, name: 'users.csv', filetype: 'csv', mimetype: 'text/csv', size: 8, user: 'U0ALICE01' });
    const url = info.file?.url_private_download ?? '';
    expect(url.startsWith(fake.url)).toBe(true);
    const ok = await fetch(url, { headers: { Authorization: `Bearer ${fake.botToken}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('a,b\n1,2\n');
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { Authorization: 'Bearer xoxb-wrong' } })).status).toBe(401);
  });

  it('accepts JSON bodies with a Bearer token, injects failures and waits for calls', async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${fake.botToken}` },
      body: JSON.stringify({ channel: 'C2', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Hi' } }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C2' });
    fake.failNext('chat.postMessage', 'channel_not_found');
    expect((await slackError(client.chat.postMessage({ channel: 'C2', text: 'x' }))).error).toBe('channel_not_found');
    await client.chat.postMessage({ channel: 'C2', text: 'works again' });
    const waiting = fake.waitFor((c) => c.method === 'chat.postEphemeral', { after: fake.calls().length });
    await client.chat.postEphemeral({ channel: 'C2', user: 'U0ALICE01', text: 'only you' });
    expect((await waiting).args.user).toBe('U0ALICE01');
    expect(fake.ephemeralsTo('U0ALICE01')).toHaveLength(1);
    await expect(fake.waitFor('views.push', 50)).rejects.toThrow(/views\.push.*\n.*chat\.postMessage ok/s);
  });

  it('records response_url posts as Slack shows them', async () => {
    const url = fake.issueResponseUrl({ channelId: 'C3', userId: 'U0ALICE01' });
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ text: 'just you' })).status).toBe(200);
    expect((await post({ text: 'everyone', response_type: 'in_channel' })).status).toBe(200);
    expect((await post({ blocks: [{ type: 'bogus' }] })).status).toBe(400);
    expect(fake.ephemeralsTo('U0ALICE01', 'C3').map((m) => m.text)).toEqual(['just you']);
    expect(fake.messagesIn('C3').map((m) => m.text)).toEqual(['everyone']);
  });
});

describe('signSlackRequest', () => {
  it('produces signatures Bolt verifies, and Bolt rejects tampering', () => {
    const body = 'token=x&command=%2Froster&text=list';
    const headers = signSlackRequest('s3cret', body);
    const verify = (b: string, secret = 's3cret') =>
      verifySlackRequest({
        signingSecret: secret,
        body: b,
        headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) },
      });
    expect(() => verify(body)).not.toThrow();
    expect(() => verify(`${body}x`)).toThrow(/signature mismatch/);
    expect(() => verify(body, 'other')).toThrow(/signature mismatch/);
    const stale = signSlackRequest('s3cret', body, Math.floor(Date.now() / 1000) - 600);
    expect(() =>
      verifySlackRequest({
        signingSecret: 's3cret',
        body,
        headers: { 'x-slack-signature': stale['x-slack-signature'], 'x-slack-request-timestamp': Number(stale['x-slack-request-timestamp']) },
      }),
    ).toThrow(/stale/);
  });
});

describe("fake Slack: many workspaces, Slack's OAuth errors, and a token acting in its own workspace only", () => {
  const OTHER = 'T0OTHER01';
  const authorize = (query: Record<string, string>, user?: string) =>
    fetch(`${fake.url}/oauth/v2/authorize?${new URLSearchParams(query)}`, { redirect: 'manual', headers: user ? { cookie: `fake_slack_user=${user}` } : {} });
  let otherToken = '';

  beforeAll(async () => {
    fake.addTeam({ id: OTHER, name: 'Other Inc' });
    fake.seedUser({ id: 'U0OTHER01', teamId: OTHER });
    fake.seedUser({ id: 'U0HOME001' });
    fake.addChannel('C0OTHERCH1', OTHER);
    fake.setRedirectUrls(['https://roster.test/slack/oauth_redirect']);
    const consent = await authorize({ client_id: fake.clientId, scope: 'chat:write', state: 's1' }, 'U0OTHER01');
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe('https://roster.test/slack/oauth_redirect');
    expect(back.searchParams.get('state')).toBe('s1');
    const noToken = new WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silent });
    const access = { client_id: fake.clientId, client_secret: fake.clientSecret, code: back.searchParams.get('code')! };
    const granted = await noToken.oauth.v2.access(access);
    expect(granted).toMatchObject({ ok: true, team: { id: OTHER, name: 'Other Inc' }, scope: 'chat:write', authed_user: { id: 'U0OTHER01' } });
    otherToken = String(granted.access_token);
    expect((await slackError(noToken.oauth.v2.access(access))).error).toBe('invalid_code');
    expect((await slackError(noToken.oauth.v2.access({ ...access, client_id: '1.2' }))).error).toBe('invalid_client_id');
    expect((await slackError(noToken.oauth.v2.access({ ...access, client_secret: 'ff' }))).error).toBe('bad_client_secret');
  });

  it('the authorize page checks the app and its Redirect URL; a code asked with a redirect_uri needs the same one', async () => {
    expect((await authorize({ client_id: '1.2', scope: 'chat:write' }, 'U0OTHER01')).status).toBe(400);
    const wrong = await authorize({ client_id: fake.clientId, redirect_uri: 'https://evil.test/cb' }, 'U0OTHER01');
    expect(await wrong.text()).toMatch(/^bad_redirect_uri/);
    const consent = await authorize({ client_id: fake.clientId, redirect_uri: 'https://roster.test/slack/oauth_redirect' }, 'U0OTHER01');
    const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
    const noToken = new WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silent });
    const refused = await slackError(noToken.oauth.v2.access({ client_id: fake.clientId, client_secret: fake.clientSecret, code }));
    expect(refused.error).toBe('bad_redirect_uri');
  });

  it('auth.test answers the workspace of the token; its members, channels and files only', async () => {
    const other = clientFor(otherToken);
    expect(await other.auth.test()).toMatchObject({ team_id: OTHER, user_id: fake.team(OTHER)!.botUserId });
    expect((await slackError(other.users.info({ user: 'U0HOME001' }))).error).toBe('user_not_found');
    expect((await slackError(client.users.info({ user: 'U0OTHER01' }))).error).toBe('user_not_found');
    expect((await slackError(client.chat.postMessage({ channel: 'C0OTHERCH1', text: 'hi' }))).error).toBe('channel_not_found');
    expect((await slackError(client.chat.postMessage({ channel: 'DU0OTHER01', text: 'hi' }))).error).toBe('channel_not_found');
    expect((await other.chat.postMessage({ channel: 'C0OTHERCH1', text: 'hi' })).ok).toBe(true);
    const file = fake.addFile({ name: 'a.csv', bytes: Buffer.from('x'), user: 'U0OTHER01' });
    expect((await slackError(client.files.info({ file: file.id }))).error).toBe('file_not_found');
    expect((await other.files.info({ file: file.id })).ok).toBe(true);
    const download = (token: string) => fetch(file.url_private_download, { headers: { authorization: `Bearer ${token}` } });
    expect((await download(fake.botToken)).status).toBe(404);
    expect((await download(otherToken)).status).toBe(200);
    const trigger = fake.issueTriggerId({ userId: 'U0OTHER01' });
    expect((await slackError(client.views.open({ trigger_id: trigger, view: modal() }))).error).toBe('invalid_trigger_id');
  });

  it('revoked tokens answer token_revoked', async () => {
    fake.revokeTokens(OTHER);
    expect((await slackError(clientFor(otherToken).auth.test())).error).toBe('token_revoked');
  });
});
