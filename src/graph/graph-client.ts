import { apiBase, type GraphEndpoints } from './endpoints.js';
import { GraphError } from './graph-error.js';
import { permissionFor } from './permissions.js';
import { isTransient, retryAfterMs, waitBeforeRetry } from './retry-policy.js';
import { DEFAULT_TRANSPORT, TokenSource, unreachable, type AppCredentials, type Transport } from './token-source.js';
import { MAX_BATCH, sendBatch, type BatchRequest, type BatchResponse } from './json-batch.js';

export type { BatchRequest, BatchResponse } from './json-batch.js';
export { MAX_BATCH } from './json-batch.js';

/** One page of a collection: its items, and the link to the next page or (a delta query's last page) to the next round. */
export interface GraphPage<T> {
  value: T[];
  nextLink: string | null;
  deltaLink: string | null;
}

/** What one client did, for the bench and the logs. */
export interface GraphStats {
  requests: number;
  retries: number;
  throttled: number;
}

const REQUEST_TIMEOUT_MS = 60_000;

/** How long a request about an object made a moment ago waits before each new try after a 404 (Graph's replicas catch up within seconds). */
export const VISIBILITY_WAITS_MS = [250, 500, 1000, 2000, 4000] as const;

/**
 * Microsoft Graph for one app registration in one tenant: every call carries a client credentials
 * token (cached, see TokenSource), is retried when throttled (429/503 after `Retry-After`, else an
 * exponential backoff with jitter, bounded) and fails as a GraphError naming what went wrong (a
 * missing permission by name). Links Graph returns (`@odata.nextLink`, `@odata.deltaLink`) are
 * followed only on the configured Graph endpoint, so the token goes nowhere else.
 */
export class GraphClient {
  readonly stats: GraphStats = { requests: 0, retries: 0, throttled: 0 };
  private readonly tokens: TokenSource;
  private readonly base: string;

  constructor(
    endpoints: GraphEndpoints,
    credentials: AppCredentials,
    private readonly transport: Transport = DEFAULT_TRANSPORT,
  ) {
    this.tokens = new TokenSource(endpoints, credentials, transport);
    this.base = apiBase(endpoints);
  }

  /** Signs in (a client credentials token): the first thing a connection checks. */
  async signIn(): Promise<void> {
    await this.tokens.token();
  }

  /** GET a path under /v1.0 (`/organization`) or a link Graph returned; the parsed JSON. */
  async get<T>(pathOrLink: string, headers: Record<string, string> = {}): Promise<T> {
    return (await this.request('GET', pathOrLink, undefined, headers)) as T;
  }

  /**
   * A request that changes the tenant (POST, PATCH, DELETE) or reads one object, under /v1.0; the
   * parsed JSON (null for 204 No Content). `justCreated`: the object was made a moment ago and may
   * not be visible to every replica yet, so a 404 is tried again briefly (VISIBILITY_WAITS_MS).
   */
  async send<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown, options: { justCreated?: boolean } = {}): Promise<T> {
    return (await this.request(method, path, body, {}, options.justCreated ?? false)) as T;
  }

  /** One page of a collection (a path, or a nextLink / deltaLink from the page before). */
  async page<T>(pathOrLink: string, headers: Record<string, string> = {}): Promise<GraphPage<T>> {
    const body = (await this.get<Record<string, unknown>>(pathOrLink, headers)) ?? {};
    const link = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : null);
    return { value: Array.isArray(body.value) ? (body.value as T[]) : [], nextLink: link('@odata.nextLink'), deltaLink: link('@odata.deltaLink') };
  }

  /** Every page of a collection, one at a time (only one page is held at once). */
  async *pages<T>(path: string, headers: Record<string, string> = {}): AsyncGenerator<GraphPage<T>> {
    let link: string | null = path;
    while (link) {
      const page: GraphPage<T> = await this.page<T>(link, headers);
      yield page;
      link = page.nextLink;
    }
  }

  /**
   * A JSON batch ($batch) of at most 20 requests, `dependsOn` kept (a user's license after its
   * creation). Requests Graph throttled inside the batch (429/503, or 424 because one they depend
   * on was throttled) are sent again, alone, after the longest `Retry-After` among them; every
   * other answer is final. Returns the answers in the order of the requests.
   */
  async batch(requests: readonly BatchRequest[]): Promise<BatchResponse[]> {
    if (requests.length > MAX_BATCH) throw new Error(`a JSON batch holds at most ${MAX_BATCH} requests, not ${requests.length}`);
    return sendBatch(requests, {
      post: (body) => this.request('POST', '/$batch', body) as Promise<{ responses?: BatchResponse[] }>,
      transport: this.transport,
      onThrottled: (count, waitMs) => {
        this.stats.throttled += count;
        this.stats.retries += count;
        this.transport.onRetry?.({ status: 429, waitMs, request: 'POST /$batch (inner)' });
      },
    });
  }

  private url(pathOrLink: string): string {
    if (!/^https?:/i.test(pathOrLink)) return `${this.base}${pathOrLink.startsWith('/') ? '' : '/'}${pathOrLink}`;
    if (!pathOrLink.startsWith(`${this.base}/`))
      throw new GraphError('refused', 'Graph returned a link outside the Graph endpoint; Roster did not follow it', { request: 'GET (link)' });
    return pathOrLink;
  }

  private async request(method: string, pathOrLink: string, body?: unknown, headers: Record<string, string> = {}, justCreated = false): Promise<unknown> {
    const url = this.url(pathOrLink);
    const parsed = new URL(url);
    const path = parsed.pathname.slice(new URL(this.base).pathname.length) || '/';
    const what = `${method} ${path}`;
    let refreshed = false;
    let unseen = 0;
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.token();
      let response: Response;
      this.stats.requests += 1;
      try {
        response = await this.transport.fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        if (attempt >= this.transport.retry.maxAttempts) throw unreachable(url, error);
        await this.wait(null, attempt, null, what);
        continue;
      }
      if (response.status === 204) return null;
      if (response.ok) return response.json();
      const json = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      if (response.status === 401 && !refreshed) {
        // The token expired or was revoked meanwhile: one new token, then the same request.
        refreshed = true;
        this.tokens.invalidate();
        attempt -= 1;
        continue;
      }
      if (isTransient(response.status) && attempt < this.transport.retry.maxAttempts) {
        if (response.status === 429 || response.status === 503) this.stats.throttled += 1;
        await this.wait(response.status, attempt, retryAfterMs(response.headers.get('retry-after'), this.transport.now()), what);
        continue;
      }
      if (response.status === 404 && justCreated && unseen < VISIBILITY_WAITS_MS.length) {
        // Not replicated yet: the same request again after a short wait, a few times.
        const waitMs = VISIBILITY_WAITS_MS[unseen++]!;
        this.stats.retries += 1;
        this.transport.onRetry?.({ status: 404, waitMs, request: what });
        await this.transport.sleep(waitMs);
        attempt -= 1;
        continue;
      }
      throw graphError(response.status, json.error, method, `${path}${parsed.search}`, what, body);
    }
  }

  private async wait(status: number | null, attempt: number, retryAfter: number | null, request: string): Promise<void> {
    const waitMs = waitBeforeRetry(this.transport.retry, attempt, retryAfter, this.transport.random);
    this.stats.retries += 1;
    this.transport.onRetry?.({ status, waitMs, request });
    await this.transport.sleep(waitMs);
  }
}

/** Graph's error body: its code, message, the properties at fault (`details[].target`) and the inner code. */
export interface GraphErrorBody {
  code?: string;
  message?: string;
  details?: { code?: string; target?: string; message?: string }[];
  innerError?: { code?: string };
}

/** A refusal as a GraphError: what was asked, Graph's code and message, the properties it names (never the request's values). */
export function graphError(status: number, error: GraphErrorBody | undefined, method: string, path: string, what: string, body?: unknown): GraphError {
  const code = error?.code;
  const said = (error?.message ?? `HTTP ${status}`).slice(0, 300);
  const targets = (error?.details ?? []).flatMap((d) => (typeof d.target === 'string' ? [d.target] : []));
  const inner = error?.innerError?.code ?? error?.details?.find((d) => typeof d.code === 'string')?.code;
  const details = {
    status,
    ...(code ? { code } : {}),
    request: what,
    said,
    ...(targets.length > 0 ? { targets } : {}),
    ...(inner ? { innerCode: inner } : {}),
  };
  if (status === 403) {
    const needs = permissionFor(method, path, body);
    return new GraphError('missing_permission', `${what} was refused: ${said}`, {
      ...details,
      ...(needs?.permission ? { permission: needs.permission } : {}),
      ...(needs?.role ? { role: needs.role } : {}),
    });
  }
  if (status === 404) return new GraphError('not_found', `${what}: ${said}`, details);
  if (status === 410) return new GraphError('resync_required', `${what}: ${said}`, details);
  if (status === 429 || status === 503) return new GraphError('throttled', `${what} was still throttled after every retry`, details);
  if (status >= 500) return new GraphError('unreachable', `${what} kept failing (HTTP ${status})`, details);
  return new GraphError('refused', `${what} was refused: ${code ? `${code}: ` : ''}${said}`, details);
}
