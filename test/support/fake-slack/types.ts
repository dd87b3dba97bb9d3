/** Shared types of the fake Slack Web API (test/support/fake-slack-api.ts). */

export type Args = Record<string, unknown>;
export type ApiResult = { ok: boolean; [key: string]: unknown };

/** Thrown by method handlers; becomes `{ok:false, error, response_metadata?}` (HTTP 200, like Slack). */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly messages: string[] = [],
  ) {
    super(error);
  }
}

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `$upload`, `$download`, `$response_url` for non-API endpoints. */
  method: string;
  /** Parsed arguments; JSON-string fields (view, blocks, files, ...) decoded; token removed. */
  args: Args;
  /** Date.now() when received. */
  at: number;
  token?: string;
  /** The workspace the call acted in: its bot token's (API calls with an accepted bot token only). */
  team?: string;
  /** What the fake answered (API result JSON or a short summary for non-API endpoints). */
  response: ApiResult;
}

export interface SeedUser {
  id: string;
  /** The member's workspace (default: the fake's configured one). */
  teamId?: string;
  name?: string;
  realName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isBot?: boolean;
  deleted?: boolean;
  tz?: string;
}

export interface SlackUser {
  id: string;
  team_id: string;
  name: string;
  deleted: boolean;
  real_name: string;
  tz: string;
  tz_label: string;
  tz_offset: number;
  is_admin: boolean;
  is_owner: boolean;
  is_primary_owner: boolean;
  is_bot: boolean;
  is_app_user: boolean;
  profile: {
    real_name: string;
    display_name: string;
    first_name: string;
    last_name: string;
    email?: string;
    team: string;
  };
}

export interface FileObject {
  id: string;
  created: number;
  timestamp: number;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  pretty_type: string;
  user: string;
  user_team: string;
  size: number;
  mode: 'hosted';
  is_external: false;
  is_public: boolean;
  url_private: string;
  url_private_download: string;
  permalink: string;
  channels: string[];
  groups: string[];
  ims: string[];
  shares: Record<string, Record<string, Array<{ ts: string; thread_ts?: string }>>>;
}

export interface Message {
  type: 'message';
  subtype?: string;
  channel: string;
  ts: string;
  user: string;
  bot_id?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  files?: FileObject[];
  metadata?: unknown;
  edited?: { user: string; ts: string };
  /** Set on ephemeral messages (chat.postEphemeral / ephemeral response_url posts): the only viewer. */
  ephemeral_to?: string;
  /** Earlier versions of this message, oldest first (set by chat.update / replace_original). */
  history?: Array<Omit<Message, 'history'>>;
  deleted?: boolean;
}

/** A view as Slack returns it from views.open / push / update / publish. */
export interface SlackView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, unknown>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string | null;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
  [key: string]: unknown;
}

export interface ViewRecord {
  view: SlackView;
  openedVia: 'views.open' | 'views.push' | 'views.publish';
  /** User the view is shown to, when known (trigger issued for a user, or views.publish user_id). */
  userId?: string;
  closed: boolean;
  /** Earlier versions (after views.update / response_action update), oldest first. */
  history: SlackView[];
  depth: number;
}

export interface UploadedFile {
  id: string;
  name: string;
  title: string;
  bytes: Buffer;
  channels: string[];
  threadTs?: string;
  initialComment?: string;
  completed: boolean;
}

export interface TriggerInfo {
  issuedAt: number;
  /** The workspace of the interaction it came with: views.open with another workspace's token refuses it. */
  teamId?: string;
  used: boolean;
  userId?: string;
  /** View the interaction came from (block action / submission in a modal): views.push stacks on it. */
  viewId?: string;
}

export interface ResponseUrlInfo {
  channelId?: string;
  userId?: string;
  messageTs?: string;
  uses: number;
  issuedAt: number;
}

export interface FailureSpec {
  error: string;
  /** HTTP status to answer with (default 200 like Slack; 429 adds Retry-After). */
  status?: number;
  retryAfter?: number;
  /** Only a call made with this workspace's token fails (others pass it by). */
  team?: string;
}
