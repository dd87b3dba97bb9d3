/** HTTP routing of the fake Slack API: /api/<method>, upload URLs, file downloads, response_urls. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyParseError, parseApiArgs, readBody, sendJson, sendText, uploadedBytes } from './http-body.js';
import { chatMethods } from './methods-chat.js';
import { fileMethods, serveFile, storeUpload } from './methods-files.js';
import { viewMethods } from './methods-views.js';
import { handleResponseUrl } from './response-url.js';
import { APP_TOKEN_METHODS, socketModeMethods } from './socket-mode.js';
import { oauthMethods, serveAuthorizePage, TOKENLESS_METHODS } from './oauth.js';
import type { FakeState, Handler } from './state.js';
import { type ApiResult, type Args, SlackApiError } from './types.js';

const HANDLERS: Record<string, Handler> = { ...chatMethods, ...viewMethods, ...fileMethods, ...socketModeMethods, ...oauthMethods };

export function knownMethods(): string[] {
  return Object.keys(HANDLERS);
}

function bearer(header: string | undefined): string | undefined {
  const m = header !== undefined ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return m?.[1]?.trim();
}

/**
 * Like Slack: apps.connections.open wants the app-level token, oauth.v2.access and api.test none,
 * every other method a bot token, which acts in its own workspace (the call's `caller`). An error,
 * or undefined when the call may go on.
 */
function refuseToken(s: FakeState, method: string, token: string | undefined): string | undefined {
  s.caller = s.homeTeam;
  if (TOKENLESS_METHODS.has(method)) return undefined;
  if (token === undefined) return 'not_authed';
  if (APP_TOKEN_METHODS.has(method)) return token === s.config.appToken ? undefined : s.tokens.has(token) ? 'not_allowed_token_type' : 'invalid_auth';
  const issued = s.tokens.get(token);
  if (!issued) return token === s.config.appToken ? 'not_allowed_token_type' : 'invalid_auth';
  if (issued.revoked) return 'token_revoked';
  s.caller = s.teams.get(issued.teamId) ?? s.homeTeam;
  return undefined;
}

function runHandler(handler: Handler, args: Args, s: FakeState): ApiResult {
  try {
    return handler(args, s);
  } catch (e) {
    if (!(e instanceof SlackApiError)) throw e;
    return { ok: false, error: e.error, ...(e.messages.length > 0 ? { response_metadata: { messages: e.messages } } : {}) };
  }
}

function handleApi(s: FakeState, method: string, req: IncomingMessage, res: ServerResponse, body: Buffer, query: string): void {
  const at = Date.now();
  let args: Args;
  try {
    args = parseApiArgs(req.headers['content-type'], body, query);
  } catch (e) {
    if (!(e instanceof BodyParseError)) throw e;
    const response = { ok: false, error: e.message === 'invalid_json' ? 'invalid_json' : 'invalid_form_data' };
    s.record({ method, args: {}, at, response });
    return sendJson(res, 200, response);
  }
  const bodyToken = typeof args.token === 'string' ? args.token : undefined;
  delete args.token;
  const token = bearer(req.headers.authorization) ?? bodyToken;
  const handler = HANDLERS[method];
  let status = 200;
  const headers: Record<string, string> = {};
  let response: ApiResult;
  const refused = handler ? refuseToken(s, method, token) : undefined;
  if (!handler) {
    response = { ok: false, error: 'unknown_method', response_metadata: { messages: [`[ERROR] the fake does not implement ${method}`] } };
  } else if (refused) {
    response = { ok: false, error: refused };
  } else {
    const failure = s.takeFailure(method);
    if (failure) {
      response = { ok: false, error: failure.error };
      status = failure.status ?? (failure.error === 'ratelimited' ? 429 : 200);
      if (status === 429) headers['retry-after'] = String(failure.retryAfter ?? 1);
    } else {
      response = runHandler(handler, args, s);
    }
  }
  s.record({ method, args, at, token, ...(token !== undefined && !refused && !TOKENLESS_METHODS.has(method) ? { team: s.caller.id } : {}), response });
  s.caller = s.homeTeam;
  sendJson(res, status, response, headers);
}

export async function route(s: FakeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query = q === -1 ? '' : rawUrl.slice(q + 1);
  const body = await readBody(req);
  const at = Date.now();
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));

  if (parts[0] === 'api' && parts.length === 2 && parts[1] && (req.method === 'POST' || req.method === 'GET')) {
    return handleApi(s, parts[1], req, res, body, query);
  }
  if (parts[0] === 'upload' && parts[1] && req.method === 'POST') {
    let result: { status: number; text: string };
    // failNext('$upload', 'ratelimited') answers one upload with 429 + Retry-After.
    const failure = s.takeFailure('$upload');
    if (failure) {
      const status = failure.status ?? 429;
      s.record({ method: '$upload', args: { file_id: parts[1], bytes: body.length }, at, response: { ok: false, status, text: failure.error } });
      res.writeHead(status, { 'content-type': 'text/plain', 'retry-after': String(failure.retryAfter ?? 1) });
      res.end(failure.error);
      return;
    }
    try {
      result = storeUpload(s, parts[1], uploadedBytes(req.headers['content-type'], body));
    } catch (e) {
      if (!(e instanceof BodyParseError)) throw e;
      result = { status: 400, text: e.message };
    }
    s.record({ method: '$upload', args: { file_id: parts[1], bytes: body.length }, at, response: { ok: result.status === 200, text: result.text } });
    return sendText(res, result.status, result.text);
  }
  if (parts[0] === 'files' && parts[1] && parts.length >= 3 && req.method === 'GET') {
    const name = parts[parts.length - 1] ?? '';
    // failNext('$download', 'ratelimited') answers one download with 429 + Retry-After, like Slack's file servers.
    const failure = s.takeFailure('$download');
    const out = failure
      ? { status: failure.status ?? 429, body: failure.error, headers: { 'content-type': 'text/plain', 'retry-after': String(failure.retryAfter ?? 1) } }
      : serveFile(s, parts[1], name, req.headers.authorization);
    s.record({
      method: '$download',
      args: { file_id: parts[1], name },
      at,
      token: bearer(req.headers.authorization),
      response: { ok: out.status === 200, status: out.status },
    });
    res.writeHead(out.status, out.headers);
    res.end(out.body);
    return;
  }
  if (parts[0] === 'oauth' && parts[1] === 'v2' && parts[2] === 'authorize' && req.method === 'GET') {
    const out = serveAuthorizePage(s, new URLSearchParams(query), req.headers.cookie);
    s.record({ method: '$authorize', args: Object.fromEntries(new URLSearchParams(query)), at, response: { ok: out.status === 302, status: out.status } });
    res.writeHead(out.status, out.headers);
    res.end(out.body);
    return;
  }
  if (parts[0] === 'response' && parts[1] && req.method === 'POST') {
    const out = handleResponseUrl(s, parts[1], body);
    s.record({ method: '$response_url', args: out.args, at, response: out.result });
    return sendText(res, out.status, out.text);
  }
  sendText(res, 404, `the fake Slack has no route ${req.method ?? ''} ${path}`);
}
