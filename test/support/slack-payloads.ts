/**
 * Factories for the payloads Slack sends to an app (slash commands, interactivity, events).
 * Each takes the essentials plus `overrides`, shallow-merged last.
 */
import { randomBytes } from 'node:crypto';
import type { StateValues } from './slack-view-state.js';

export interface WorkspaceIdentity {
  teamId: string;
  teamDomain?: string;
  apiAppId?: string;
  /** Deprecated verification token Slack still sends in payloads. */
  verificationToken?: string;
  botUserId?: string;
}

type Obj = Record<string, unknown>;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const domain = (w: WorkspaceIdentity) => w.teamDomain ?? 'roster-test';
const appId = (w: WorkspaceIdentity) => w.apiAppId ?? 'A0ROSTERAPP';
const vtoken = (w: WorkspaceIdentity) => w.verificationToken ?? 'legacy-verification-token';

/** Stand-in response_url when no fake is given: a closed local port, so respond() fails fast instead of calling Slack. */
const unreachable = (kind: string) => `http://127.0.0.1:9/${kind}/${randomBytes(12).toString('hex')}`;

export const randomTriggerId = () => `${nowSeconds()}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString('hex')}`;
export const actionTs = () => `${nowSeconds()}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
export const randomEventId = () => `Ev${randomBytes(6).toString('hex').toUpperCase()}`;

function user(w: WorkspaceIdentity, userId: string, userName?: string): Obj {
  const name = userName ?? userId.toLowerCase();
  return { id: userId, username: name, name, team_id: w.teamId };
}

export interface CommandInput {
  command: string;
  text: string;
  userId: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  triggerId?: string;
  responseUrl?: string;
}

/** Slash command body fields (sent form-encoded). */
export function commandPayload(w: WorkspaceIdentity, c: CommandInput, overrides: Record<string, string> = {}): Record<string, string> {
  const channelId = c.channelId ?? 'C0GENERAL1';
  return {
    token: vtoken(w),
    team_id: w.teamId,
    team_domain: domain(w),
    channel_id: channelId,
    channel_name: c.channelName ?? (channelId.startsWith('D') ? 'directmessage' : 'general'),
    user_id: c.userId,
    user_name: c.userName ?? c.userId.toLowerCase(),
    command: c.command,
    text: c.text,
    api_app_id: appId(w),
    is_enterprise_install: 'false',
    response_url: c.responseUrl ?? unreachable('commands'),
    trigger_id: c.triggerId ?? randomTriggerId(),
    ...overrides,
  };
}

export interface ViewSubmissionInput {
  userId: string;
  userName?: string;
  view: Obj;
  values: StateValues;
  triggerId?: string;
}

export function viewSubmissionPayload(w: WorkspaceIdentity, v: ViewSubmissionInput, overrides: Obj = {}): Obj {
  return {
    type: 'view_submission',
    team: { id: w.teamId, domain: domain(w) },
    user: user(w, v.userId, v.userName),
    api_app_id: appId(w),
    token: vtoken(w),
    trigger_id: v.triggerId ?? randomTriggerId(),
    view: { ...v.view, state: { values: v.values } },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
    ...overrides,
  };
}

export function viewClosedPayload(w: WorkspaceIdentity, v: { userId: string; view: Obj; isCleared?: boolean }, overrides: Obj = {}): Obj {
  return {
    type: 'view_closed',
    team: { id: w.teamId, domain: domain(w) },
    user: user(w, v.userId),
    api_app_id: appId(w),
    token: vtoken(w),
    view: v.view,
    is_cleared: v.isCleared ?? false,
    is_enterprise_install: false,
    enterprise: null,
    ...overrides,
  };
}

export interface BlockActionInput {
  userId: string;
  userName?: string;
  /** The action object (action_id, block_id, type, value / selected_option, action_ts ...). */
  action: Obj;
  triggerId?: string;
  view?: Obj;
  message?: Obj;
  channelId?: string;
  responseUrl?: string;
  stateValues?: StateValues;
}

export function blockActionPayload(w: WorkspaceIdentity, b: BlockActionInput, overrides: Obj = {}): Obj {
  const base: Obj = {
    type: 'block_actions',
    user: user(w, b.userId, b.userName),
    api_app_id: appId(w),
    token: vtoken(w),
    trigger_id: b.triggerId ?? randomTriggerId(),
    team: { id: w.teamId, domain: domain(w) },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: b.stateValues ?? {} },
    actions: [b.action],
  };
  if (b.view) {
    base.container = { type: 'view', view_id: b.view.id };
    base.view = { ...b.view, state: { values: b.stateValues ?? {} } };
  } else if (b.message) {
    const channelId = b.channelId ?? String(b.message.channel ?? 'C0GENERAL1');
    const { channel: _c, history: _h, ephemeral_to: _e, deleted: _d, ...message } = b.message;
    base.container = { type: 'message', message_ts: message.ts, channel_id: channelId, is_ephemeral: false };
    base.channel = { id: channelId, name: channelId.startsWith('D') ? 'directmessage' : 'general' };
    base.message = message;
    base.response_url = b.responseUrl ?? unreachable('actions');
  } else if (b.channelId) {
    base.channel = { id: b.channelId, name: 'general' };
  }
  return { ...base, ...overrides };
}

/** What Slack sends when a member opens or types in an external_select (answered with options). */
export function blockSuggestionPayload(
  w: WorkspaceIdentity,
  b: { userId: string; view: Obj; blockId: string; actionId: string; value: string },
  overrides: Obj = {},
): Obj {
  return {
    type: 'block_suggestion',
    user: user(w, b.userId),
    container: { type: 'view', view_id: b.view.id },
    api_app_id: appId(w),
    token: vtoken(w),
    action_id: b.actionId,
    block_id: b.blockId,
    value: b.value,
    team: { id: w.teamId, domain: domain(w) },
    enterprise: null,
    is_enterprise_install: false,
    view: b.view,
    ...overrides,
  };
}

export function globalShortcutPayload(w: WorkspaceIdentity, s: { callbackId: string; userId: string; triggerId?: string }, overrides: Obj = {}): Obj {
  return {
    type: 'shortcut',
    token: vtoken(w),
    action_ts: actionTs(),
    team: { id: w.teamId, domain: domain(w) },
    user: { id: s.userId, username: s.userId.toLowerCase(), team_id: w.teamId },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: s.callbackId,
    trigger_id: s.triggerId ?? randomTriggerId(),
    ...overrides,
  };
}

export interface MessageShortcutInput {
  callbackId: string;
  userId: string;
  channelId: string;
  message: Obj;
  triggerId?: string;
  responseUrl?: string;
}

export function messageShortcutPayload(w: WorkspaceIdentity, m: MessageShortcutInput, overrides: Obj = {}): Obj {
  const { channel: _c, history: _h, ephemeral_to: _e, deleted: _d, ...message } = m.message;
  return {
    type: 'message_action',
    token: vtoken(w),
    action_ts: actionTs(),
    team: { id: w.teamId, domain: domain(w) },
    user: user(w, m.userId),
    channel: { id: m.channelId, name: m.channelId.startsWith('D') ? 'directmessage' : 'general' },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: m.callbackId,
    trigger_id: m.triggerId ?? randomTriggerId(),
    response_url: m.responseUrl ?? unreachable('app'),
    message_ts: message.ts,
    message: { type: 'message', ...message },
    ...overrides,
  };
}

/** Events API `event_callback` envelope (sent as JSON). */
export function eventEnvelope(w: WorkspaceIdentity, event: Obj, opts: { eventId?: string; eventTime?: number } = {}, overrides: Obj = {}): Obj {
  const eventTime = opts.eventTime ?? nowSeconds();
  return {
    token: vtoken(w),
    team_id: w.teamId,
    context_team_id: w.teamId,
    api_app_id: appId(w),
    event: { event_ts: `${eventTime}.000100`, ...event },
    type: 'event_callback',
    event_id: opts.eventId ?? randomEventId(),
    event_time: eventTime,
    authorizations: [{ enterprise_id: null, team_id: w.teamId, user_id: w.botUserId ?? 'U0ROSTERBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(8).toString('hex')}`,
    ...overrides,
  };
}

export function urlVerificationPayload(w: WorkspaceIdentity, challenge: string): Obj {
  return { token: vtoken(w), challenge, type: 'url_verification' };
}
