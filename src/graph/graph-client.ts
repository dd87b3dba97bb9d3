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

  private async request(method: string, pathOrLink: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const url = this.url(pathOrLink);
    const path = new URL(url).pathname.slice(new URL(this.base).pathname.length) || '/';
    const what = `${method} ${path}`;
    let refreshed = false;
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
      throw graphError(response.status, json.error, method, path, what);
    }
  }

  private async wait(status: number | null, attempt: number, retryAfter: number | null, request: string): Promise<void> {
    const waitMs = waitBeforeRetry(this.transport.retry, attempt, retryAfter, this.transport.random);
    this.stats.retries += 1;
    this.transport.onRetry?.({ status, waitMs, request });
    await this.transport.sleep(waitMs);
  }
}

function graphError(status: number, error: { code?: string; message?: string } | undefined, method: string, path: string, what: string): GraphError {
  const code = error?.code;
  const said = (error?.message ?? `HTTP ${status}`).slice(0, 300);
  const details = { status, ...(code ? { code } : {}), request: what };
  if (status === 403) {
    const permission = permissionFor(method, path);
    return new GraphError('missing_permission', `${what} was refused: ${said}`, { ...details, ...(permission ? { permission } : {}) });
  }
  if (status === 404) return new GraphError('not_found', `${what}: ${said}`, details);
  if (status === 410) return new GraphError('resync_required', `${what}: ${said}`, details);
  if (status === 429 || status === 503) return new GraphError('throttled', `${what} was still throttled after every retry`, details);
  if (status >= 500) return new GraphError('unreachable', `${what} kept failing (HTTP ${status})`, details);
  return new GraphError('refused', `${what} was refused: ${code ? `${code}: ` : ''}${said}`, details);
}
