import type { IncomingMessage, ServerResponse } from 'node:http';
import { graphFault, graphRoute, type Answer } from './graph-routes.js';
import type { FakeApp, FakeGraphState } from './state.js';
import { tokenRoute } from './token-route.js';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
  res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
}

function throttled(s: FakeGraphState): Answer {
  s.stats.throttled += 1;
  const headers: Record<string, string> = s.throttling.retryAfter === null ? {} : { 'Retry-After': String(s.throttling.retryAfter) };
  return s.throttling.status === 429
    ? graphFault(429, 'TooManyRequests', 'Too many requests. Please try again later.', headers)
    : graphFault(503, 'serviceNotAvailable', 'Service unavailable. Please try again later.', headers);
}

/** /login/{tenant}/oauth2/v2.0/token and /graph/v1.0/…, as Entra and Graph answer them. */
export async function route(s: FakeGraphState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const method = req.method ?? 'GET';
  const body = await readBody(req);
  const token = /^\/login\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
  if (token && method === 'POST') {
    const answer = tokenRoute(s, decodeURIComponent(token[1]!), new URLSearchParams(body));
    s.calls.push({ method, path: `/${token[1]}/oauth2/v2.0/token`, status: answer.status });
    return send(res, answer);
  }
  if (!url.pathname.startsWith('/graph/v1.0/')) return send(res, graphFault(404, 'Request_BadRequest', 'Not a Graph path.'));
  const path = url.pathname.slice('/graph/v1.0'.length);
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const issued = bearer ? s.tokens.get(bearer) : undefined;
  const record = (status: number) =>
    s.calls.push({
      method,
      path: `/v1.0${path}${url.search}`,
      status,
      authorized: Boolean(issued),
      ...(method !== 'GET' && body ? { body: safeJson(body) } : {}),
    });
  s.stats.requests += 1;
  if (!issued || issued.expiresAt <= Date.now()) {
    record(401);
    return send(res, graphFault(401, 'InvalidAuthenticationToken', bearer ? 'Access token has expired or is not yet valid.' : 'Access token is empty.'));
  }
  const app = s.apps.get(issued.clientId)!;
  if (s.throttleNow(false)) {
    const answer = throttled(s);
    record(answer.status);
    return send(res, answer);
  }
  const outage = s.outages.find((o) => o.count > 0 && o.matches(`${path}${url.search}`));
  if (outage) {
    outage.count -= 1;
    record(outage.status);
    return send(
      res,
      outage.status === 400
        ? graphFault(400, 'Request_BadRequest', 'The specified page token value has expired and can no longer be included in your request.')
        : graphFault(503, 'serviceNotAvailable', 'The service is temporarily unavailable.'),
    );
  }
  if (path === '/$batch' && method === 'POST') {
    if (s.beforeChange) await s.beforeChange({ method, path, body: safeJson(body) });
    const answer = batch(s, JSON.parse(body || '{}') as { requests?: InnerRequest[] }, app);
    record(answer.status);
    if (s.dropBatchAnswers > 0) {
      // Carried out, never answered: the client sees its connection cut.
      s.dropBatchAnswers -= 1;
      res.socket?.destroy();
      return;
    }
    return send(res, answer);
  }
  let parsed: unknown = {};
  try {
    parsed = body ? JSON.parse(body) : {};
  } catch {
    const answer = graphFault(400, 'BadRequest', 'Unable to read JSON request payload.');
    record(answer.status);
    return send(res, answer);
  }
  if (method !== 'GET' && s.beforeChange) await s.beforeChange({ method, path, body: parsed });
  const answer = graphRoute(s, method, path, url.searchParams, app, parsed);
  record(answer.status);
  return send(res, answer);
}

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  body?: unknown;
  dependsOn?: string[];
}

/** $batch: at most 20 requests, each answered on its own (throttled on its own too); one whose dependency failed gets 424. */
function batch(s: FakeGraphState, payload: { requests?: InnerRequest[] }, app: FakeApp): Answer {
  const requests = payload.requests ?? [];
  if (requests.length === 0 || requests.length > 20)
    return graphFault(400, 'BadRequest', `Invalid batch payload format: a batch holds 1 to 20 requests, not ${requests.length}.`);
  const done = new Map<string, Answer>();
  const responses = requests.map((request) => {
    const failedDependency = (request.dependsOn ?? []).some((d) => {
      const status = done.get(d)?.status;
      return status === undefined || status >= 400;
    });
    let answer: Answer;
    if (failedDependency) answer = graphFault(424, 'FailedDependency', 'The request failed because a request it depends on failed.');
    else if (s.throttleNow(true)) answer = throttled(s);
    else {
      const inner = new URL(request.url.startsWith('/') ? request.url : `/${request.url}`, 'http://fake');
      answer = graphRoute(s, request.method, inner.pathname, inner.searchParams, app, request.body);
    }
    done.set(request.id, answer);
    s.calls.push({
      method: request.method,
      path: `/v1.0${request.url}`,
      status: answer.status,
      inner: true,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    return { id: request.id, status: answer.status, headers: { 'Content-Type': 'application/json', ...(answer.headers ?? {}) }, body: answer.body };
  });
  return { status: 200, body: { responses } };
}
