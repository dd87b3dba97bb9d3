import { createReadStream, createWriteStream } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import type { View } from '@slack/types';
import { slackErrorCode } from './services/slack-errors.js';
import type { FileShare, SlackPort, SlackProfile } from './slack-port.js';

export class FileTooLargeError extends Error {}

/**
 * SlackPort over Bolt's Web API client (whose base URL may point at a fake in tests). That client
 * retries a rate-limited call (HTTP 429) after its Retry-After on its own (`rejectRateLimitedCalls`
 * is false by default); views.open and views.update, posted here as JSON (`callJson`), and the
 * file download, which uses plain fetch, do the same below.
 */
/**
 * A view as the JSON text Slack receives. The client sends an object field as this same text, but
 * first copies every nested object of the body to redact tokens for its debug log, whatever the log
 * level: for a 7 KB form that was most of the cost of opening it.
 */
function asJson(view: View): string {
  return JSON.stringify(view);
}

/**
 * views.open and views.update, the calls that answer a person at once, with one JSON body and
 * fetch: the Web API client copies every argument and every answer (the whole view, both ways) to
 * redact tokens for its debug log and URL-encodes the view, which cost more than all of Roster's
 * own work on `/users add`. A 429 is waited out (Retry-After) as the client does; an answer that is
 * not ok throws the client's error shape (`data.error`), so callers read it the same way. No retry
 * on a network failure: a trigger id lasts 3 s, and the update of a modal follows its own work.
 */
async function callJson(
  apiUrl: string,
  token: string,
  method: string,
  args: Record<string, unknown>,
  rateLimited?: () => void,
): Promise<Record<string, unknown>> {
  const body = JSON.stringify(args);
  for (let attempt = 0; ; attempt++) {
    const { status, retryAfter, text } = await postOnce(`${apiUrl}${method}`, token, body);
    if (status === 429 && attempt < DOWNLOAD_RETRIES) {
      rateLimited?.();
      await waitRetryAfter(retryAfter);
      continue;
    }
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(text) as Record<string, unknown>;
    } catch {
      answer = { ok: false, error: `http_${status}` };
    }
    if (answer.ok !== true)
      throw Object.assign(new Error(`An API error occurred: ${String(answer.error ?? `http_${status}`)}`), {
        code: 'slack_webapi_platform_error',
        data: answer,
      });
    return answer;
  }
}

/** Kept-alive connections to the Web API for these calls (node's http: lighter per call than fetch's streams). */
const AGENTS = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

function postOnce(url: string, token: string, body: string): Promise<{ status: number; retryAfter: string | undefined; text: string }> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      {
        method: 'POST',
        agent: AGENTS[target.protocol as keyof typeof AGENTS],
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        timeout: 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const retry = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, retryAfter: Array.isArray(retry) ? retry[0] : retry, text: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${target.host} did not answer within 30 s`)));
    request.on('error', reject);
    request.end(body);
  });
}

/** Direct-message channels remembered (a member's DM channel with the app does not change). */
const DM_CHANNELS_KEPT = 10_000;
/** What Slack answers about a remembered DM channel that is no longer usable: it is opened again. */
const STALE_DM_ERRORS = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

/** `rateLimited` is told of each 429 of the calls this port makes itself (the client's are its `rate_limited` event). */
export function webApiPort(client: WebClient, botToken: string, rateLimited?: () => void): SlackPort {
  // conversations.open once per member, not before every DM: one Web API call less per DM (an Add
  // user submission sends one). A remembered channel that fails is opened again, once.
  const dmChannels = new Map<string, string>();
  const dmChannel = async (userId: string, fresh: boolean): Promise<string> => {
    const known = fresh ? undefined : dmChannels.get(userId);
    if (known) return known;
    const opened = await client.conversations.open({ users: userId });
    const channel = opened.channel?.id ?? userId;
    if (dmChannels.size >= DM_CHANNELS_KEPT) dmChannels.delete(dmChannels.keys().next().value!);
    dmChannels.set(userId, channel);
    return channel;
  };
  return {
    async dm(userId, message) {
      const remembered = dmChannels.has(userId);
      let channel = await dmChannel(userId, false);
      let posted;
      try {
        posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
      } catch (error) {
        if (!remembered || !STALE_DM_ERRORS.has(slackErrorCode(error) ?? '')) throw error;
        dmChannels.delete(userId);
        channel = await dmChannel(userId, true);
        posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
      }
      return { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
    },
    async postMessage(channel, message) {
      const posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, thread_ts: message.threadTs });
      return { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
    },
    async updateMessage(channel, ts, message) {
      await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    },
    async postEphemeral(channel, userId, message) {
      await client.chat.postEphemeral({ channel, user: userId, text: message.text, blocks: message.blocks });
    },
    async openView(triggerId, view: View) {
      const opened = (await callJson(client.slackApiUrl, botToken, 'views.open', { trigger_id: triggerId, view }, rateLimited)) as { view?: { id?: string } };
      return { viewId: opened.view?.id ?? '' };
    },
    async updateView(viewId, view, hash) {
      await callJson(client.slackApiUrl, botToken, 'views.update', { view_id: viewId, view, ...(hash !== undefined ? { hash } : {}) }, rateLimited);
    },
    async publishHome(userId, view) {
      await client.apiCall('views.publish', { user_id: userId, view: asJson(view) });
    },
    async userProfile(userId): Promise<SlackProfile> {
      const { user } = await client.users.info({ user: userId });
      const profile = user?.profile;
      return {
        id: userId,
        isOwnerOrAdmin: Boolean(user?.is_owner || user?.is_admin || user?.is_primary_owner),
        firstName: profile?.first_name || undefined,
        lastName: profile?.last_name || undefined,
        displayName: profile?.real_name || user?.real_name || profile?.display_name || user?.name || userId,
        email: profile?.email || undefined,
        timezone: user?.tz || undefined,
      };
    },
    async members() {
      const found: { id: string; teamId: string; email: string | null }[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
        for (const member of page.members ?? [])
          if (member.id && !member.deleted && !member.is_bot && member.id !== 'USLACKBOT')
            found.push({ id: member.id, teamId: member.team_id ?? '', email: member.profile?.email ?? null });
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return found;
    },
    async fileInfo(fileId) {
      const { file } = await client.files.info({ file: fileId });
      return {
        id: file?.id ?? fileId,
        name: file?.name ?? 'file',
        size: file?.size ?? 0,
        mimetype: file?.mimetype,
        filetype: file?.filetype,
        downloadUrl: file?.url_private_download ?? file?.url_private,
        userId: file?.user,
        shares: sharesOf(file?.shares),
      };
    },
    async downloadFile(url, destination, maxBytes) {
      const response = await fetchHonouringRateLimits(url, { headers: { Authorization: `Bearer ${botToken}` }, redirect: 'manual' });
      if (!response.ok || !response.body) throw new Error(`Slack refused the file download (HTTP ${response.status}); check the files:read scope.`);
      let bytes = 0;
      const source = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
      source.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) source.destroy(new FileTooLargeError(`over ${maxBytes} bytes`));
      });
      try {
        // A new file only its owner can read, whatever the umask (never an existing file or a link).
        await pipeline(source, createWriteStream(destination, { flags: 'wx', mode: 0o600 }));
      } catch (error) {
        await unlink(destination).catch(() => undefined);
        throw error;
      }
      return bytes;
    },
    async uploadFile(channel, file) {
      const common = {
        file: file.path ? createReadStream(file.path) : (file.bytes ?? Buffer.alloc(0)),
        filename: file.filename,
        title: file.title ?? file.filename,
      };
      const comment = file.initialComment ? { initial_comment: file.initialComment } : {};
      const uploaded = await client.filesUploadV2(
        file.threadTs ? { ...common, ...comment, channel_id: channel, thread_ts: file.threadTs } : { ...common, ...comment, channel_id: channel },
      );
      return { fileId: uploaded.files[0]?.files?.[0]?.id ?? null };
    },
    async deleteMessage(channel, ts) {
      await client.chat.delete({ channel, ts });
    },
    async deleteFile(fileId) {
      await client.files.delete({ file: fileId });
    },
    async respond(responseUrl, message, replace) {
      const body = JSON.stringify({
        response_type: 'ephemeral',
        replace_original: replace,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
      });
      const response = await fetchHonouringRateLimits(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.body?.cancel();
      // The URL is a capability: never put it in the error.
      if (!response.ok) throw new Error(`The response_url answered HTTP ${response.status}.`);
    },
  };
}

/** How often a rate-limited download is tried again, and the longest Retry-After Roster waits out. */
export const DOWNLOAD_RETRIES = 3;
const MAX_RETRY_AFTER_S = 60;

/** Waits the seconds a 429's Retry-After says (1 when absent or unreadable, at most 60). */
function waitRetryAfter(header: string | null | undefined): Promise<void> {
  const seconds = Number.parseInt(header ?? '', 10);
  return sleep(Math.min(Number.isFinite(seconds) && seconds >= 0 ? seconds : 1, MAX_RETRY_AFTER_S) * 1000);
}

/**
 * `fetch` that survives HTTP 429 the way Bolt's Web API client does: waits the `Retry-After`
 * seconds (1 when absent or unreadable, at most 60) and tries again, up to DOWNLOAD_RETRIES times.
 */
export async function fetchHonouringRateLimits(url: string, init: RequestInit, retries = DOWNLOAD_RETRIES): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, init);
    if (response.status !== 429 || attempt >= retries) return response;
    await response.body?.cancel();
    await waitRetryAfter(response.headers.get('retry-after'));
  }
}

type RawShares = Record<string, Record<string, { ts?: string; thread_ts?: string }[] | undefined> | undefined>;

/** files.info `shares` ({public|private: {channel: [{ts, thread_ts}]}}) as a flat list. */
function sharesOf(shares: unknown): FileShare[] {
  const list: FileShare[] = [];
  for (const byChannel of Object.values((shares ?? {}) as RawShares)) {
    for (const [channel, messages] of Object.entries(byChannel ?? {})) {
      for (const message of messages ?? []) {
        if (message.ts) list.push({ channel, ts: message.ts, ...(message.thread_ts ? { threadTs: message.thread_ts } : {}) });
      }
    }
  }
  return list;
}
