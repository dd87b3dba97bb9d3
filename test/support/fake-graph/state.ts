import { randomBytes, randomUUID } from 'node:crypto';
import { FakeTenant } from './tenant.js';

/** An app registration in the fake tenant: its client id, its secrets and the application permissions granted (admin consent given). */
export interface FakeApp {
  clientId: string;
  secret: string;
  /** Application permissions, such as 'User.Read.All'. */
  permissions: string[];
  /** The secret has expired (AADSTS7000222). */
  secretExpired?: boolean;
  /** Microsoft Entra roles assigned to the app itself, such as 'User Administrator' (needed to set passwords). */
  roles?: string[];
}

/** A recorded request: what the fake was asked and what it answered. */
export interface FakeGraphCall {
  method: string;
  /** `/v1.0/users/delta?…` or `/{tenant}/oauth2/v2.0/token`, with its query. */
  path: string;
  status: number;
  /** Inside a $batch. */
  inner?: boolean;
  /** Whether the request carried a Bearer token the fake had issued. */
  authorized?: boolean;
  /** A change's JSON body, as sent. */
  body?: unknown;
}

/** Throttling on demand: a share of Graph requests (seeded, so repeatable), or the next few. */
export interface Throttling {
  fraction: number;
  /** The Retry-After header in seconds (null: none, the client backs off itself). */
  retryAfter: number | null;
  status: 429 | 503;
  /** Answer the next this-many Graph requests throttled, whatever the fraction. */
  next: number;
  /** Only requests inside a $batch are throttled (the batch itself is answered). */
  inBatchOnly: boolean;
}

export class FakeGraphState {
  readonly tenant: FakeTenant;
  readonly apps = new Map<string, FakeApp>();
  readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  readonly calls: FakeGraphCall[] = [];
  throttling: Throttling = { fraction: 0, retryAfter: 1, status: 429, next: 0, inBatchOnly: false };
  pageSize = 100;
  /** Seconds a token lasts (expires_in). */
  tokenLifetime = 3599;
  /** Delta tokens of an older generation answer 410 (resync). */
  deltaGeneration = 0;
  stats = { requests: 0, throttled: 0, tokens: 0 };
  /** The next this-many JSON batches are carried out, then their connection is cut before the answer (a lost response). */
  dropBatchAnswers = 0;
  /** Requests (`/users?…`, path and query) answered `status` (503: without Retry-After; 400: an expired page token), the next `count` that match. */
  outages: { matches: (pathAndQuery: string) => boolean; count: number; status: 503 | 400 }[] = [];
  /** Runs before a change (not a GET, not a batch) is answered: a test acts "at the same moment". */
  beforeChange: ((call: { method: string; path: string; body: unknown }) => Promise<void> | void) | null = null;
  private random: () => number;

  constructor(
    readonly graphUrl: string,
    options: { tenantId?: string; displayName?: string; initialDomain?: string; seed?: number } = {},
  ) {
    this.tenant = new FakeTenant(options);
    this.random = seeded(options.seed ?? 16);
  }

  registerApp(app: Partial<FakeApp> = {}): FakeApp {
    const made: FakeApp = {
      clientId: app.clientId ?? randomUUID(),
      secret: app.secret ?? `${randomBytes(6).toString('base64url')}~${randomBytes(18).toString('base64url')}`,
      permissions: app.permissions ?? ['User.Read.All', 'Organization.Read.All', 'Domain.Read.All'],
      ...(app.secretExpired ? { secretExpired: true } : {}),
      roles: app.roles ?? [],
    };
    this.apps.set(made.clientId, made);
    return made;
  }

  issueToken(clientId: string): string {
    const token = `fake-graph.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { clientId, expiresAt: Date.now() + this.tokenLifetime * 1000 });
    this.stats.tokens += 1;
    return token;
  }

  /** Whether this Graph request is answered throttled (the next-N schedule first, then the seeded share). */
  throttleNow(inBatch: boolean): boolean {
    if (this.throttling.inBatchOnly && !inBatch) return false;
    if (this.throttling.next > 0) {
      this.throttling.next -= 1;
      return true;
    }
    return this.throttling.fraction > 0 && this.random() < this.throttling.fraction;
  }

  setSeed(seed: number): void {
    this.random = seeded(seed);
  }
}

/** mulberry32: a small seeded generator, so a throttled run throttles the same requests every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
