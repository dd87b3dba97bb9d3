/**
 * A local fake of the Slack Web API for end-to-end tests and benchmarks.
 *
 *   const fake = await startFakeSlack();
 *   const app = new App({ token: fake.botToken, signingSecret, clientOptions: { slackApiUrl: fake.apiUrl } });
 *
 * It answers like Slack (HTTP 200 + {ok:false,error} on failures), records every call and checks
 * arguments, trigger ids, view hashes and Block Kit limits. See test/support/fake-slack/*.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildUser } from './fake-slack/methods-chat.js';
import { type NewFile, createFile } from './fake-slack/methods-files.js';
import { applyViewResponse } from './fake-slack/methods-views.js';
import { issueResponseUrl } from './fake-slack/response-url.js';
import { route } from './fake-slack/server.js';
import { FakeSocketMode } from './fake-slack/socket-mode.js';
import { FakeState, type FakeTeam, type Waiter } from './fake-slack/state.js';
import type { FailureSpec, FileObject, Message, RecordedCall, SeedUser, SlackUser, SlackView, UploadedFile, ViewRecord } from './fake-slack/types.js';

/** How long `waitFor` waits for a call before it fails, unless told otherwise. */
export const WAIT_LIMIT_MS = 15_000;

export type { FakeTeam } from './fake-slack/state.js';
export { BROWSER_USER_COOKIE } from './fake-slack/oauth.js';
export type {
  FileObject,
  Message,
  RecordedCall,
  SeedUser,
  SlackUser,
  SlackView,
  UploadedFile,
  ViewRecord,
} from './fake-slack/types.js';

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** How long an issued trigger_id stays valid (Slack: 3 s). */
  triggerTtlMs?: number;
  /** The app's Client ID and Client Secret (oauth.v2.access checks them) and Redirect URLs. */
  clientId?: string;
  clientSecret?: string;
  redirectUrls?: string[];
}

export type CallMatcher = string | ((call: RecordedCall) => boolean);

export interface FakeSlack {
  /** http://127.0.0.1:PORT (no trailing slash). */
  readonly url: string;
  /** `${url}/api/` — pass as Bolt `clientOptions.slackApiUrl` / WebClient `slackApiUrl`. */
  readonly apiUrl: string;
  readonly botToken: string;
  /** The app-level token (xapp-) that apps.connections.open accepts. */
  readonly appToken: string;
  /** Socket Mode: the websocket Roster connects to, and envelopes delivered over it. */
  readonly socketMode: FakeSocketMode;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A member of the configured workspace, or of `user.teamId`'s (addTeam first). */
  seedUser(user: SeedUser): SlackUser;
  /**
   * Another workspace (the app's bot user in it gets its own ids). Roster is not installed there
   * until the OAuth flow gives it a token (or `issueBotToken`).
   */
  addTeam(team: { id: string; domain?: string; name?: string }): FakeTeam;
  /** A workspace's facts (the configured one, or one added). */
  team(teamId: string): FakeTeam | undefined;
  /** Declares a channel of a workspace (an undeclared channel is the configured workspace's): another workspace's token gets channel_not_found. */
  addChannel(channelId: string, teamId: string): void;
  /** The Redirect URLs of the app's settings (the authorize page and oauth.v2.access check them). */
  setRedirectUrls(urls: string[]): void;
  /** The bot tokens issued for a workspace, oldest first (the OAuth flow issues one per install). */
  botTokensOf(teamId: string): string[];
  /** What Slack does when the app is uninstalled from a workspace: its tokens answer token_revoked from now on. */
  revokeTokens(teamId: string): void;
  /** A fresh trigger_id valid for one views.open/push within triggerTtlMs, in the workspace of `userId` (or `teamId`). */
  issueTriggerId(context?: { userId?: string; viewId?: string; teamId?: string }): string;
  /** A response_url on this fake (what Bolt's respond() posts to). */
  issueResponseUrl(context?: { channelId?: string; userId?: string; messageTs?: string }): string;
  /** Recorded calls in arrival order, optionally only one method ('$upload', '$download', '$response_url' for non-API endpoints). */
  calls(method?: string): RecordedCall[];
  /** Non-deleted messages in a channel (top level and thread replies), oldest first. */
  messagesIn(channel: string): Message[];
  /** Messages in the bot's DM with the user (posted to `D<user>` or to the user id). */
  dmsTo(userId: string): Message[];
  /** Ephemeral messages shown to a user (chat.postEphemeral, ephemeral response_url posts). */
  ephemeralsTo(userId: string, channel?: string): Message[];
  /** Latest version of every view (modals and home tabs) by view id. */
  readonly views: ReadonlyMap<string, SlackView>;
  /** Modals opened with views.open / views.push, in order, latest version of each. */
  viewsOpened(): SlackView[];
  viewRecord(viewId: string): ViewRecord | undefined;
  /** The user's home tab as last published. */
  homeOf(userId: string): SlackView | undefined;
  /** Files the app uploaded (getUploadURLExternal + upload + completeUploadExternal). */
  uploadedFiles(): UploadedFile[];
  /** A file "uploaded by a user" (e.g. to attach to a message event); downloadable with the bot token. */
  addFile(file: { name: string; bytes: Buffer; mimetype?: string; filetype?: string; user?: string; title?: string }): FileObject;
  /**
   * The next call of `method` answers `{ok:false, error}` (error 'ratelimited' answers HTTP 429 with
   * `Retry-After: retryAfter ?? 1`). `$download` / `$upload` make the next file download / upload
   * (to the URL of files.getUploadURLExternal) answer 429 + Retry-After.
   */
  failNext(method: string, error: string, options?: Omit<FailureSpec, 'error'>): void;
  /** Resolves with the first recorded call (at index >= after) that matches. */
  waitFor(match: CallMatcher, options?: number | { timeoutMs?: number; after?: number }): Promise<RecordedCall>;
  /** Applies a view_submission ack body like Slack does; returns problems Slack would have with it. */
  applyViewResponse(viewId: string, body: unknown, userId?: string): string[];
  /** Forgets recorded calls, messages, views, files, triggers and pending failures (seeded users stay). */
  reset(): void;
  close(): Promise<void>;
}

function matcher(match: CallMatcher): (call: RecordedCall) => boolean {
  return typeof match === 'string' ? (c) => c.method === match : match;
}

function describeCalls(calls: RecordedCall[]): string {
  if (calls.length === 0) return '(no calls recorded)';
  const shown = calls.slice(-40).map((c) => {
    const outcome = c.response.ok ? 'ok' : `error=${String(c.response.error)}`;
    return `  ${c.method} ${outcome}`;
  });
  return `${calls.length > 40 ? `  ... ${calls.length - 40} earlier\n` : ''}${shown.join('\n')}`;
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const s = new FakeState({
    url,
    botToken: opts.botToken ?? 'xoxb-fake-roster-token',
    appToken: opts.appToken ?? 'xapp-1-A0ROSTERAPP-fake-roster-app-token',
    teamId: opts.teamId ?? 'T0ROSTER1',
    teamDomain: opts.teamDomain ?? 'roster-test',
    botUserId: opts.botUserId ?? 'U0ROSTERBOT',
    botId: opts.botId ?? 'B0ROSTERBOT',
    appId: opts.appId ?? 'A0ROSTERAPP',
    triggerTtlMs: opts.triggerTtlMs ?? 3000,
    clientId: opts.clientId ?? '1111111111.2222222222',
    clientSecret: opts.clientSecret ?? '0123456789abcdef0123456789abcdef',
    redirectUrls: opts.redirectUrls ?? [],
  });
  server.on('request', (req, res) => {
    route(s, req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake Slack internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
  });
  const socketMode = new FakeSocketMode(s);
  socketMode.attach(server);
  s.socketMode = socketMode;
  const c = s.config;

  const fake: FakeSlack = {
    url,
    apiUrl: `${url}/api/`,
    botToken: c.botToken,
    appToken: c.appToken,
    socketMode,
    teamId: c.teamId,
    teamDomain: c.teamDomain,
    botUserId: c.botUserId,
    botId: c.botId,
    appId: c.appId,
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    seedUser(user) {
      const teamId = user.teamId ?? c.teamId;
      if (!s.teams.has(teamId)) throw new Error(`fake Slack: no workspace ${teamId}; addTeam first`);
      const built = buildUser(user, teamId);
      s.users.set(user.id, built);
      return built;
    },
    addTeam({ id, domain, name }) {
      const n = String(s.teams.size + 1).padStart(2, '0');
      const team = {
        id,
        domain: domain ?? id.toLowerCase(),
        name: name ?? `Workspace ${id}`,
        botUserId: `U0BOT${n}${id.slice(1, 5)}`,
        botId: `B0BOT${n}${id.slice(1, 5)}`,
      };
      s.teams.set(id, team);
      return team;
    },
    team: (teamId) => s.teams.get(teamId),
    addChannel: (channelId, teamId) => void s.channelTeams.set(channelId, teamId),
    setRedirectUrls: (urls) => void (c.redirectUrls = [...urls]),
    botTokensOf: (teamId) => [...s.tokens].filter(([, t]) => t.teamId === teamId).map(([token]) => token),
    revokeTokens(teamId) {
      for (const token of s.tokens.values()) if (token.teamId === teamId) token.revoked = true;
    },
    issueTriggerId(context = {}) {
      const id = `${Math.floor(Date.now() / 1000)}.${s.nextId('')}.${s.nextToken()}`;
      const teamId = context.teamId ?? (context.userId ? s.teamOfUser(context.userId) : c.teamId);
      s.triggers.set(id, { issuedAt: Date.now(), used: false, ...context, teamId });
      return id;
    },
    issueResponseUrl: (context = {}) => issueResponseUrl(s, context),
    calls: (method) => (method === undefined ? [...s.calls] : s.calls.filter((call) => call.method === method)),
    messagesIn: (channel) => (s.messages.get(channel) ?? []).filter((m) => !m.deleted),
    dmsTo: (userId) => fake.messagesIn(s.dmChannel(userId)),
    ephemeralsTo: (userId, channel) => s.ephemerals.filter((m) => m.ephemeral_to === userId && (channel === undefined || m.channel === channel)),
    get views() {
      return new Map([...s.views].map(([id, rec]) => [id, rec.view]));
    },
    viewsOpened: () => [...s.views.values()].filter((r) => r.openedVia !== 'views.publish').map((r) => r.view),
    viewRecord: (viewId) => s.views.get(viewId),
    homeOf(userId) {
      const id = s.homes.get(userId);
      return id === undefined ? undefined : s.views.get(id)?.view;
    },
    uploadedFiles: () =>
      [...s.files.values()]
        .filter((r) => r.source === 'app' && r.bytes !== undefined)
        .map((r) => ({
          id: r.file.id,
          name: r.file.name,
          title: r.file.title,
          bytes: r.bytes ?? Buffer.alloc(0),
          channels: [...r.file.channels, ...r.file.groups, ...r.file.ims],
          threadTs: r.threadTs,
          initialComment: r.initialComment,
          completed: r.completed,
        })),
    addFile: (file) => createFile(s, file satisfies NewFile, 'user'),
    failNext(method, error, options = {}) {
      const queue = s.failures.get(method) ?? [];
      queue.push({ error, ...options });
      s.failures.set(method, queue);
    },
    waitFor(match, options) {
      // A guard against a hang, not a speed check: with the type check and every other file sharing
      // the cores, an answer after the ack (a form opened once the ack was sent) was seen to take over 5 s.
      const { timeoutMs = WAIT_LIMIT_MS, after = 0 } = typeof options === 'number' ? { timeoutMs: options } : (options ?? {});
      const predicate = matcher(match);
      const found = s.calls.slice(after).find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<RecordedCall>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (call) => {
            clearTimeout(timer);
            resolve(call);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        const timer = setTimeout(() => {
          s.waiters.delete(waiter);
          const what = typeof match === 'string' ? `a ${match} call` : 'a matching call';
          reject(new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}. Recorded calls:\n${describeCalls(s.calls)}`));
        }, timeoutMs);
        s.waiters.add(waiter);
      });
    },
    applyViewResponse: (viewId, body, userId) => applyViewResponse(s, viewId, body, userId),
    reset: () => s.reset(),
    async close() {
      for (const w of s.waiters) w.reject(new Error('fake Slack closed while waiting'));
      s.waiters.clear();
      await socketMode.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
