/** response_url endpoints of the fake (what Bolt's `respond()` posts to). */
import { compact } from './methods-chat.js';
import { type FakeState, checkMessageContent, optStr } from './state.js';
import { type ApiResult, type Args, SlackApiError } from './types.js';

const MAX_USES = 5;
const TTL_MS = 30 * 60 * 1000;

export function issueResponseUrl(s: FakeState, info: { channelId?: string; userId?: string; messageTs?: string }): string {
  const id = s.nextToken();
  s.responseUrls.set(id, { ...info, uses: 0, issuedAt: Date.now() });
  return `${s.config.url}/response/${id}`;
}

/** Handles a POST to a response_url; returns the HTTP status, text body and what to record. */
export function handleResponseUrl(s: FakeState, id: string, body: Buffer): { status: number; text: string; result: ApiResult; args: Args } {
  let args: Args = {};
  const fail = (status: number, error: string, messages: string[] = []) => ({
    status,
    text: error,
    result: { ok: false, error, ...(messages.length > 0 ? { response_metadata: { messages } } : {}) },
    args,
  });
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(400, 'invalid_payload');
    args = parsed as Args;
  } catch {
    return fail(400, 'invalid_payload');
  }
  const info = s.responseUrls.get(id);
  if (!info) return fail(404, 'no_active_hooks');
  if (Date.now() - info.issuedAt > TTL_MS) return fail(404, 'expired_url');
  if (info.uses >= MAX_USES) return fail(404, 'used_url');
  info.uses += 1;
  const channel = info.channelId;
  if (args.delete_original === true) {
    const msg = channel !== undefined && info.messageTs !== undefined ? s.findMessage(channel, info.messageTs) : undefined;
    if (msg) msg.deleted = true;
    return { status: 200, text: 'ok', result: { ok: true }, args };
  }
  let blocks: unknown[] | undefined;
  try {
    blocks = checkMessageContent(args, true);
  } catch (e) {
    if (e instanceof SlackApiError) return fail(400, e.error, e.messages);
    throw e;
  }
  const text = optStr(args, 'text') ?? '';
  if (args.replace_original === true && channel !== undefined && info.messageTs !== undefined) {
    const msg = s.findMessage(channel, info.messageTs);
    if (msg) {
      const { history = [], ...previous } = msg;
      msg.history = [...history, previous];
      msg.text = text;
      msg.blocks = blocks;
      msg.edited = { user: s.config.botUserId, ts: s.nextTs() };
      return { status: 200, text: 'ok', result: { ok: true }, args };
    }
  }
  const fields = compact({ text, blocks, thread_ts: optStr(args, 'thread_ts') });
  if (channel === undefined) return fail(404, 'channel_not_found');
  if (args.response_type === 'in_channel') s.addMessage(s.botMessage(channel, fields));
  else s.ephemerals.push(s.botMessage(channel, compact({ ...fields, ephemeral_to: info.userId })));
  return { status: 200, text: 'ok', result: { ok: true }, args };
}
