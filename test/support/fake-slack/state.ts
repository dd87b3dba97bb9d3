/** In-memory workspace state of the fake Slack API, shared by the method handlers. */
import { unescapedBlockProblems, unescapedTextProblems } from './escaping.js';
import { type Surface, MAX_MESSAGE_TEXT, validateBlocks, validateView } from '../block-kit-validator.js';
import {
  type ApiResult,
  type Args,
  type FailureSpec,
  type FileObject,
  type Message,
  type RecordedCall,
  type ResponseUrlInfo,
  type SlackUser,
  type TriggerInfo,
  type ViewRecord,
  SlackApiError,
} from './types.js';

export interface FileRecord {
  file: FileObject;
  bytes?: Buffer;
  declaredLength?: number;
  /** 'app' = uploaded through files.getUploadURLExternal; 'user' = added by the test with addFile(). */
  source: 'app' | 'user';
  completed: boolean;
  threadTs?: string;
  initialComment?: string;
}

export interface FakeConfig {
  url: string;
  /** The app's OAuth credentials (oauth.v2.access checks them) and its Redirect URLs (the authorize page and oauth.v2.access check those). */
  clientId: string;
  clientSecret: string;
  redirectUrls: string[];
  botToken: string;
  /** App-level token (xapp-) accepted by apps.connections.open. */
  appToken: string;
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
  triggerTtlMs: number;
}

/** A workspace of the fake: its id, and the app's bot user in it. */
export interface FakeTeam {
  id: string;
  domain: string;
  name: string;
  botUserId: string;
  botId: string;
}

/** A code the authorize page gave an installer, exchanged once by oauth.v2.access within 10 minutes. */
export interface OAuthCode {
  teamId: string;
  userId: string;
  scopes: string[];
  /** The redirect_uri the authorize request named (oauth.v2.access must name the same), if any. */
  redirectUri?: string;
  issuedAt: number;
  used: boolean;
}

export interface Waiter {
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
  reject: (error: Error) => void;
}

const TS_BASE_SECONDS = 1_700_000_000;

export class FakeState {
  users = new Map<string, SlackUser>();
  messages = new Map<string, Message[]>();
  ephemerals: Message[] = [];
  views = new Map<string, ViewRecord>();
  homes = new Map<string, string>();
  files = new Map<string, FileRecord>();
  triggers = new Map<string, TriggerInfo>();
  responseUrls = new Map<string, ResponseUrlInfo>();
  calls: RecordedCall[] = [];
  failures = new Map<string, FailureSpec[]>();
  waiters = new Set<Waiter>();
  /** Workspaces: the configured one, and those added with addTeam (installed through OAuth, or given a token). */
  teams = new Map<string, FakeTeam>();
  /** Every bot token issued, with its workspace; a revoked one answers token_revoked. */
  tokens = new Map<string, { teamId: string; revoked: boolean }>();
  /** Channels declared in a workspace (a user's DM channel is its user's; an undeclared channel is the configured workspace's). */
  channelTeams = new Map<string, string>();
  oauthCodes = new Map<string, OAuthCode>();
  /** The workspace of the token the API call being answered was made with (set for each call; the configured one otherwise). */
  caller: FakeTeam;
  /** Set by startFakeSlack: the websocket side of apps.connections.open. */
  socketMode?: { openConnection(): ApiResult };
  private tsCounter = 0;
  private idCounter = 0;

  constructor(readonly config: FakeConfig) {
    this.caller = { id: config.teamId, domain: config.teamDomain, name: 'Roster Test Workspace', botUserId: config.botUserId, botId: config.botId };
    this.teams.set(config.teamId, this.caller);
    this.tokens.set(config.botToken, { teamId: config.teamId, revoked: false });
  }

  /** The configured workspace (the one of every test that names none). */
  get homeTeam(): FakeTeam {
    return this.teams.get(this.config.teamId)!;
  }

  teamOfUser(userId: string): string {
    return this.users.get(userId)?.team_id ?? this.config.teamId;
  }

  /** A DM channel (D<user>) is its user's workspace's; a channel declared with addChannel, that one's; any other, the configured one. */
  teamOfChannel(channel: string): string {
    if (this.isUserId(channel)) return this.teamOfUser(channel);
    if (channel.startsWith('D') && this.isUserId(channel.slice(1))) return this.teamOfUser(channel.slice(1));
    return this.channelTeams.get(channel) ?? this.config.teamId;
  }

  /** Like Slack, a token acts in its own workspace only: another's channel is not found. */
  checkChannelOfCaller(channel: string): void {
    const team = this.teamOfChannel(channel);
    if (team !== this.caller.id) throw new SlackApiError('channel_not_found', [`[ERROR] channel ${channel} is in workspace ${team}, not ${this.caller.id}`]);
  }

  /** Like Slack, a token acts in its own workspace only: another's member is not found. */
  checkUserOfCaller(userId: string): void {
    const team = this.teamOfUser(userId);
    if (team !== this.caller.id) throw new SlackApiError('user_not_found', [`[ERROR] user ${userId} is in workspace ${team}, not ${this.caller.id}`]);
  }

  reset(): void {
    this.messages.clear();
    this.ephemerals = [];
    this.views.clear();
    this.homes.clear();
    this.files.clear();
    this.triggers.clear();
    this.responseUrls.clear();
    this.calls = [];
    this.failures.clear();
    this.oauthCodes.clear();
  }

  /** Unique, increasing message ts: "1700000000.000100", "1700000000.000200", ... */
  nextTs(): string {
    this.tsCounter += 1;
    const micros = this.tsCounter * 100;
    const seconds = TS_BASE_SECONDS + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  nextId(prefix: string): string {
    this.idCounter += 1;
    return `${prefix}${String(this.idCounter).padStart(8, '0')}`;
  }

  /** A Slack-looking random-ish suffix (deterministic per counter). */
  nextToken(): string {
    this.idCounter += 1;
    return (this.idCounter * 2_654_435_761).toString(36).slice(-8).padStart(8, '0');
  }

  record(call: RecordedCall): void {
    this.calls.push(call);
    if (this.waiters.size === 0) return;
    for (const w of [...this.waiters]) {
      if (w.predicate(call)) {
        this.waiters.delete(w);
        w.resolve(call);
      }
    }
  }

  /** The next failure queued for `method` (one meant for a workspace, only for a call acting in it). */
  takeFailure(method: string): FailureSpec | undefined {
    const queue = this.failures.get(method);
    const at = queue?.findIndex((failure) => failure.team === undefined || failure.team === this.caller.id) ?? -1;
    const next = at === -1 ? undefined : queue?.splice(at, 1)[0];
    if (queue && queue.length === 0) this.failures.delete(method);
    return next;
  }

  dmChannel(userId: string): string {
    return `D${userId}`;
  }

  isUserId(id: string): boolean {
    return /^[UW][A-Z0-9]+$/.test(id);
  }

  /** chat.postMessage accepts a user id and posts into the bot's DM with that user. */
  resolvePostChannel(channel: string): string {
    return this.isUserId(channel) ? this.dmChannel(channel) : channel;
  }

  channelMessages(channel: string): Message[] {
    let list = this.messages.get(channel);
    if (!list) {
      list = [];
      this.messages.set(channel, list);
    }
    return list;
  }

  addMessage(msg: Message): Message {
    this.channelMessages(msg.channel).push(msg);
    return msg;
  }

  findMessage(channel: string, ts: string): Message | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts && !m.deleted);
  }

  botMessage(channel: string, fields: Partial<Message>): Message {
    return { type: 'message', channel, ts: this.nextTs(), user: this.caller.botUserId, bot_id: this.caller.botId, ...fields };
  }

  fileUrl(id: string, name: string): string {
    return `${this.config.url}/files/${id}/${encodeURIComponent(name)}`;
  }
}

// ---------------------------------------------------------------------------
// Argument helpers shared by the method handlers
// ---------------------------------------------------------------------------

export function requireArgs(args: Args, names: string[]): void {
  const missing = names.filter((n) => args[n] === undefined || args[n] === null || args[n] === '');
  if (missing.length > 0) {
    throw new SlackApiError(
      'invalid_arguments',
      missing.map((n) => `[ERROR] missing required field: ${n}`),
    );
  }
}

export function optStr(args: Args, name: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new SlackApiError('invalid_arguments', [`[ERROR] ${name} must be a string`]);
}

export function reqStr(args: Args, name: string): string {
  requireArgs(args, [name]);
  return optStr(args, name) ?? '';
}

export function optBool(args: Args, name: string): boolean | undefined {
  const v = args[name];
  if (v === undefined || v === null || v === '') return undefined;
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** See escaping.ts: user data must reach Slack with `& < >` escaped. */
function checkEscaped(problems: string[]): void {
  if (problems.length > 0)
    throw new SlackApiError(
      'unescaped_text',
      problems.map((m) => `[ERROR] ${m}`),
    );
}

function blockErrors(messages: string[]): SlackApiError {
  return new SlackApiError(
    'invalid_blocks',
    messages.map((m) => `[ERROR] ${m}`),
  );
}

/** Validates text/blocks of a message-like call; returns the decoded blocks. */
export function checkMessageContent(args: Args, requireContent: boolean): unknown[] | undefined {
  const text = optStr(args, 'text');
  const blocks = args.blocks;
  if (typeof blocks === 'string') {
    throw new SlackApiError('invalid_blocks_format', ['[ERROR] blocks must be a JSON-encoded array']);
  }
  if (blocks !== undefined && !Array.isArray(blocks)) {
    throw new SlackApiError('invalid_blocks_format', ['[ERROR] blocks must be an array']);
  }
  if (text !== undefined && text.length > MAX_MESSAGE_TEXT) {
    throw new SlackApiError('msg_too_long', [`[ERROR] text must be at most ${MAX_MESSAGE_TEXT} characters (got ${text.length})`]);
  }
  const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
  if (requireContent && text === undefined && (blocks === undefined || blocks.length === 0) && !hasAttachments) {
    throw new SlackApiError('no_text');
  }
  if (blocks !== undefined) {
    const errors = validateBlocks(blocks, 'message' satisfies Surface);
    if (errors.length > 0) throw blockErrors(errors);
  }
  checkEscaped([
    ...(text !== undefined ? unescapedTextProblems(text, 'text') : []),
    ...(typeof args.initial_comment === 'string' ? unescapedTextProblems(args.initial_comment, 'initial_comment') : []),
    ...unescapedBlockProblems(blocks, 'blocks'),
  ]);
  return blocks;
}

export function checkView(view: unknown, expected?: 'modal' | 'home'): Record<string, unknown> {
  if (typeof view === 'string') throw new SlackApiError('invalid_arguments', ['[ERROR] view must be a JSON-encoded object']);
  const errors = validateView(view, expected);
  if (errors.length > 0) throw blockErrors(errors);
  checkEscaped(unescapedBlockProblems((view as Record<string, unknown>).blocks, 'view/blocks'));
  return view as Record<string, unknown>;
}

export type Handler = (args: Args, s: FakeState) => ApiResult;

/**
 * Deep-copies blocks and fills in the block_id / action_id Slack generates when an app omits them,
 * so stored messages and views look like what Slack would send back in payloads.
 */
export function withGeneratedIds(blocks: unknown[], s: FakeState): unknown[] {
  const copy = structuredClone(blocks) as unknown[];
  const fillAction = (el: unknown) => {
    if (typeof el === 'object' && el !== null && !Array.isArray(el)) {
      const e = el as Record<string, unknown>;
      if (e.type !== 'image' && e.action_id === undefined) e.action_id = s.nextToken();
    }
  };
  for (const b of copy) {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) continue;
    const block = b as Record<string, unknown>;
    if (block.block_id === undefined) block.block_id = s.nextToken();
    if (block.type === 'input') fillAction(block.element);
    if (block.type === 'section' && block.accessory !== undefined) fillAction(block.accessory);
    if (block.type === 'actions' && Array.isArray(block.elements)) block.elements.forEach(fillAction);
  }
  return copy;
}
