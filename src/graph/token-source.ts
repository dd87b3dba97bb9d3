import { aadstsCode, GraphError, type GraphProblemKind } from './graph-error.js';
import { graphScope, tokenUrl, type GraphEndpoints } from './endpoints.js';
import { DEFAULT_RETRY, isTransient, retryAfterMs, waitBeforeRetry, type RetryPolicy } from './retry-policy.js';

/** An app registration's credentials in one tenant: what the client credentials flow signs in with. */
export interface AppCredentials {
  /** The tenant's GUID or one of its domains. */
  tenant: string;
  clientId: string;
  /** Held in memory only while a token is asked for; never logged, never in an error. */
  clientSecret: string;
}

/** What the client and the token source need besides the endpoints (tests pass their own). */
export interface Transport {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  retry: RetryPolicy;
  /** Told of each retry (a throttled or failed call), for the bench and the metrics. */
  onRetry?: (facts: { status: number | null; waitMs: number; request: string }) => void;
}

export const DEFAULT_TRANSPORT: Transport = {
  fetch: (...args) => fetch(...args),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
  retry: DEFAULT_RETRY,
};

/** A token is asked for again this long before it expires. */
const EARLY_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** Sign-in errors Roster can name, by AADSTS number. */
const SIGN_IN_PROBLEMS: Record<number, GraphProblemKind> = {
  7000215: 'wrong_secret',
  7000222: 'expired_secret',
  90002: 'unknown_tenant',
  900023: 'unknown_tenant',
  700016: 'unknown_client',
};

/**
 * Client credentials tokens for one app registration (POST {login}/{tenant}/oauth2/v2.0/token with
 * scope `{graph}/.default`): cached until five minutes before they expire; callers at the same
 * moment share one request. Throttled or failing sign-in requests are retried like Graph calls.
 */
export class TokenSource {
  private cached: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly endpoints: GraphEndpoints,
    private readonly credentials: AppCredentials,
    private readonly transport: Transport = DEFAULT_TRANSPORT,
  ) {}

  /** A valid access token (from the cache when it has one). */
  async token(): Promise<string> {
    if (this.cached && this.cached.expiresAt - EARLY_MS > this.transport.now()) return this.cached.token;
    this.pending ??= this.request().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Forgets the cached token (Graph said it is no longer valid). */
  invalidate(): void {
    this.cached = null;
  }

  private async request(): Promise<string> {
    const { retry } = this.transport;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
      scope: graphScope(this.endpoints),
    }).toString();
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.transport.fetch(tokenUrl(this.endpoints, this.credentials.tenant), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        if (attempt >= retry.maxAttempts) throw unreachable(this.endpoints.loginUrl, error);
        await this.wait(null, attempt, null);
        continue;
      }
      const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.ok && typeof json.access_token === 'string') {
        const seconds = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in ?? 3599);
        this.cached = { token: json.access_token, expiresAt: this.transport.now() + seconds * 1000 };
        return json.access_token;
      }
      if (isTransient(response.status) && attempt < retry.maxAttempts) {
        await this.wait(response.status, attempt, retryAfterMs(response.headers.get('retry-after'), this.transport.now()));
        continue;
      }
      throw signInError(response.status, json);
    }
  }

  private async wait(status: number | null, attempt: number, retryAfter: number | null): Promise<void> {
    const waitMs = waitBeforeRetry(this.transport.retry, attempt, retryAfter, this.transport.random);
    this.transport.onRetry?.({ status, waitMs, request: 'POST /oauth2/v2.0/token' });
    await this.transport.sleep(waitMs);
  }
}

/** A refused token request as a GraphError: the AADSTS number decides the kind; the description's first sentence is kept. */
function signInError(status: number, json: Record<string, unknown>): GraphError {
  const aadsts = aadstsCode(json);
  const code = typeof json.error === 'string' ? json.error : undefined;
  const description = typeof json.error_description === 'string' ? json.error_description.split(/\r?\n/)[0]!.slice(0, 300) : `HTTP ${status}`;
  const kind = aadsts !== undefined ? (SIGN_IN_PROBLEMS[aadsts] ?? 'refused') : isTransient(status) ? 'throttled' : 'refused';
  return new GraphError(kind, `sign-in refused: ${description}`, {
    status,
    ...(code ? { code } : {}),
    ...(aadsts !== undefined ? { aadsts } : {}),
    request: 'POST /oauth2/v2.0/token',
  });
}

export function unreachable(where: string, error: unknown): GraphError {
  const cause = error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? error.name) : 'error';
  return new GraphError('unreachable', `${new URL(where).host} could not be reached (${cause})`);
}
