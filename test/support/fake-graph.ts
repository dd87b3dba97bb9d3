/**
 * A local fake of Microsoft Graph and the Microsoft Entra token endpoint, for tests and benchmarks
 * (Roster's tests never reach the network). Started the way the fake Slack API is:
 *
 *   const graph = await startFakeGraph();
 *   const app = graph.registerApp();            // client id, secret, permissions
 *   graph.tenant.addUser({ userPrincipalName: 'ana@contoso.onmicrosoft.com' });
 *   // MICROSOFT_GRAPH_URL=graph.graphUrl, MICROSOFT_LOGIN_URL=graph.loginUrl
 *
 * It checks the client credentials (and answers Entra's AADSTS errors), each app's permissions
 * (403 Authorization_RequestDenied), pages /users and /users/delta with delta tokens and
 * `@removed`, answers $batch, and throttles on demand (429 or 503, with or without Retry-After).
 * It takes changes as Graph does (fake-graph/write-routes.ts): users created, updated, deleted,
 * restored (under a new username when asked) and purged, licenses assigned with Graph's license
 * errors, guests invited, managers set and removed (`/users/{id}/manager/$ref`, read back with
 * `$expand=manager` or delta's `manager@delta`; `tenant.setManager` is an admin-center change); a
 * user made there is invisible to reads for a while on demand (`setVisibilityDelay`). Users'
 * signInActivity (`tenant.signIn(…)`) is returned by /users when selected, as Graph guards it:
 * AuditLog.Read.All per app (else 403 Authorization_RequestDenied), a P1/P2 tenant
 * (`tenant.premium`, else 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant), $top at most
 * 999, never in a delta query.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { route } from './fake-graph/server.js';
import { FakeGraphState, type FakeApp, type FakeGraphCall } from './fake-graph/state.js';
import type { FakeTenant } from './fake-graph/tenant.js';

export type { FakeApp, FakeGraphCall } from './fake-graph/state.js';
export type { FakeTenant } from './fake-graph/tenant.js';

export interface FakeGraph {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** MICROSOFT_GRAPH_URL for Roster: `${url}/graph` (the API is under /v1.0). */
  readonly graphUrl: string;
  /** MICROSOFT_LOGIN_URL for Roster: `${url}/login`. */
  readonly loginUrl: string;
  /** The tenant, to seed and to change as an admin would in the admin center. */
  readonly tenant: FakeTenant;
  /** An app registration (permissions default to User.Read.All, Organization.Read.All, Domain.Read.All; no Entra role). */
  registerApp(app?: Partial<FakeApp>): FakeApp;
  /** Grants or takes away an app's permissions. */
  setPermissions(clientId: string, permissions: string[]): void;
  /** The next `count` JSON batches are carried out but their answers lost (the connection cut), as when a network fails mid-request. */
  dropBatchAnswers(count: number): void;
  /** Runs `act` before each change the fake answers, and before each JSON batch (null: none): a test changes Roster "at the same moment". */
  beforeChange(act: ((call: { method: string; path: string; body: unknown }) => Promise<void> | void) | null): void;
  /** How long a user made or restored through Graph stays invisible to reads (404), as Graph's replicas lag (ms; default 0). */
  setVisibilityDelay(ms: number): void;
  /**
   * Throttles: `fraction` of Graph requests (seeded, repeatable), and/or the `next` few, with
   * `Retry-After: retryAfter` seconds (null: no header) and status 429 (default) or 503.
   */
  throttle(options: { fraction?: number; next?: number; retryAfter?: number | null; status?: 429 | 503; seed?: number; inBatchOnly?: boolean }): void;
  /**
   * The next `count` requests whose path and query (`/users?$select=…`) match answer 503 without
   * Retry-After (an outage of one page), or 400 (a page token that expired).
   */
  failRequests(matches: (pathAndQuery: string) => boolean, count: number, status?: 503 | 400): void;
  /** Users per page of /users/delta, and at most per page of /users (default 100). */
  setPageSize(size: number): void;
  /** Every token issued so far stops working (401 InvalidAuthenticationToken). */
  expireTokens(): void;
  /** Delta tokens issued so far answer 410 (the client must read everything again). */
  expireDeltaTokens(): void;
  calls(): FakeGraphCall[];
  readonly stats: { requests: number; throttled: number; tokens: number };
  close(): Promise<void>;
}

export async function startFakeGraph(options: { tenantId?: string; displayName?: string; initialDomain?: string; seed?: number } = {}): Promise<FakeGraph> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const s = new FakeGraphState(`${url}/graph`, options);
  server.on('request', (req, res) => {
    route(s, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake Graph internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
  });
  return {
    url,
    graphUrl: `${url}/graph`,
    loginUrl: `${url}/login`,
    tenant: s.tenant,
    registerApp: (app) => s.registerApp(app),
    setPermissions(clientId, permissions) {
      const app = s.apps.get(clientId);
      if (!app) throw new Error(`fake Graph: no app ${clientId}`);
      app.permissions = permissions;
    },
    dropBatchAnswers(count) {
      s.dropBatchAnswers = count;
    },
    beforeChange(act) {
      s.beforeChange = act;
    },
    setVisibilityDelay(ms) {
      s.tenant.visibilityDelayMs = ms;
    },
    throttle({ fraction, next, retryAfter, status, seed, inBatchOnly }) {
      if (seed !== undefined) s.setSeed(seed);
      s.throttling = {
        fraction: fraction ?? s.throttling.fraction,
        next: next ?? s.throttling.next,
        retryAfter: retryAfter === undefined ? s.throttling.retryAfter : retryAfter,
        status: status ?? s.throttling.status,
        inBatchOnly: inBatchOnly ?? s.throttling.inBatchOnly,
      };
    },
    failRequests(matches, count, status = 503) {
      s.outages.push({ matches, count, status });
    },
    setPageSize(size) {
      s.pageSize = size;
    },
    expireTokens() {
      for (const token of s.tokens.values()) token.expiresAt = 0;
    },
    expireDeltaTokens() {
      s.deltaGeneration += 1;
    },
    calls: () => [...s.calls],
    stats: s.stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
