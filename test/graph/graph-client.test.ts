import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphEndpoints } from '../../src/graph/endpoints.js';
import { GraphClient, type GraphPage } from '../../src/graph/graph-client.js';
import { GraphError } from '../../src/graph/graph-error.js';
import type { GraphUser } from '../../src/graph/graph-types.js';
import { DEFAULT_RETRY } from '../../src/graph/retry-policy.js';
import { DEFAULT_TRANSPORT, type AppCredentials, type Transport } from '../../src/graph/token-source.js';
import { startFakeGraph, type FakeApp, type FakeGraph } from '../support/fake-graph.js';

let graph: FakeGraph;
let app: FakeApp;
let waits: number[];

/** The real transport, but waits are recorded and not slept (what the client asked for is the point). */
function transport(overrides: Partial<Transport> = {}): Transport {
  return { ...DEFAULT_TRANSPORT, sleep: async (ms) => void waits.push(ms), random: () => 0.5, ...overrides };
}

function client(credentials: Partial<AppCredentials> = {}, overrides: Partial<Transport> = {}): GraphClient {
  return new GraphClient(
    graphEndpoints(graph.graphUrl, graph.loginUrl),
    { tenant: graph.tenant.id, clientId: app.clientId, clientSecret: app.secret, ...credentials },
    transport(overrides),
  );
}

async function failure(work: Promise<unknown>): Promise<GraphError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof GraphError)) throw new Error(`expected a GraphError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  graph = await startFakeGraph({ displayName: 'Contoso Ltd' });
  app = graph.registerApp();
});
afterAll(async () => graph.close());
beforeEach(() => {
  waits = [];
  graph.throttle({ fraction: 0, next: 0, retryAfter: 1, status: 429, inBatchOnly: false });
});

describe('signing in (client credentials)', () => {
  it('gets a token once and reuses it; the tenant may be named by its GUID or a domain', async () => {
    const before = graph.stats.tokens;
    const c = client({ tenant: 'contoso.onmicrosoft.com' });
    const org = await c.get<{ value: { displayName: string }[] }>('/organization');
    expect(org.value[0]?.displayName).toBe('Contoso Ltd');
    await c.get('/domains');
    expect(graph.stats.tokens - before).toBe(1);
  });

  it('names what is wrong: the secret, the tenant, the client id, an expired secret', async () => {
    expect(await failure(client({ clientSecret: 'not-the-secret' }).signIn())).toMatchObject({ kind: 'wrong_secret', details: { aadsts: 7000215 } });
    expect(await failure(client({ tenant: 'fabrikam.onmicrosoft.com' }).signIn())).toMatchObject({ kind: 'unknown_tenant', details: { aadsts: 90002 } });
    expect(await failure(client({ tenant: 'not a tenant' }).signIn())).toMatchObject({ kind: 'unknown_tenant', details: { aadsts: 900023 } });
    expect(await failure(client({ clientId: '11111111-2222-3333-4444-555555555555' }).signIn())).toMatchObject({
      kind: 'unknown_client',
      details: { aadsts: 700016 },
    });
    const old = graph.registerApp({ secretExpired: true });
    expect(await failure(client({ clientId: old.clientId, clientSecret: old.secret }).signIn())).toMatchObject({ kind: 'expired_secret' });
  });

  it('never puts the secret in an error', async () => {
    const error = await failure(client({ clientSecret: 'S3cret~value-that-must-not-leak' }).signIn());
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('S3cret');
  });

  it('asks for a new token once when Graph says the one it has expired', async () => {
    const c = client();
    await c.get('/organization');
    const before = graph.stats.tokens;
    graph.expireTokens();
    await c.get('/organization');
    expect(graph.stats.tokens - before).toBe(1);
  });
});

describe('Graph calls', () => {
  it('a missing application permission is named', async () => {
    const narrow = graph.registerApp({ permissions: ['User.Read.All'] });
    const error = await failure(client({ clientId: narrow.clientId, clientSecret: narrow.secret }).get('/domains'));
    expect(error).toMatchObject({ kind: 'missing_permission', details: { status: 403, code: 'Authorization_RequestDenied', permission: 'Domain.Read.All' } });
  });

  it('pages a delta query, then lists only what changed: new users whole, changed ones with what changed, removed ones as @removed', async () => {
    for (const name of ['ana', 'bo', 'cy', 'di', 'ed']) graph.tenant.addUser({ userPrincipalName: `${name}@contoso.onmicrosoft.com`, displayName: name });
    graph.setPageSize(2);
    const c = client();
    const pages: GraphPage<GraphUser>[] = [];
    for await (const page of c.pages<GraphUser>('/users/delta?$select=id,userPrincipalName,displayName,jobTitle')) pages.push(page);
    expect(pages.map((p) => p.value.length)).toEqual([2, 2, 1]);
    expect(pages.slice(0, 2).every((p) => p.nextLink?.includes('$skiptoken=') && p.deltaLink === null)).toBe(true);
    const deltaLink = pages.at(-1)!.deltaLink!;
    expect(deltaLink).toContain('$deltatoken=');
    graph.tenant.updateUser('bo@contoso.onmicrosoft.com', { jobTitle: 'Buyer' });
    graph.tenant.addUser({ userPrincipalName: 'fay@contoso.onmicrosoft.com', displayName: 'Fay' });
    graph.tenant.deleteUser('cy@contoso.onmicrosoft.com');
    graph.tenant.purgeUser('di@contoso.onmicrosoft.com');
    const changes: GraphUser[] = [];
    let next: string | null = deltaLink;
    let last: GraphPage<GraphUser> | null = null;
    while (next) {
      last = await c.page<GraphUser>(next);
      changes.push(...last.value);
      next = last.nextLink;
    }
    const byName = (upn: string) => graph.tenant.users.get([...graph.tenant.users.values()].find((s) => s.user.userPrincipalName === upn)!.user.id)!.user.id;
    expect(changes).toEqual(
      expect.arrayContaining([
        { id: byName('bo@contoso.onmicrosoft.com'), jobTitle: 'Buyer' },
        expect.objectContaining({ userPrincipalName: 'fay@contoso.onmicrosoft.com', displayName: 'Fay' }),
        { id: byName('cy@contoso.onmicrosoft.com'), '@removed': { reason: 'changed' } },
        { id: byName('di@contoso.onmicrosoft.com'), '@removed': { reason: 'deleted' } },
      ]),
    );
    expect(changes).toHaveLength(4);
    expect(last?.deltaLink).toContain('$deltatoken=');
    graph.expireDeltaTokens();
    expect(await failure(c.page(last!.deltaLink!))).toMatchObject({ kind: 'resync_required' });
    graph.setPageSize(100);
  });

  it('does not follow a link outside the Graph endpoint (the token would go with it)', async () => {
    expect(await failure(client().page('https://elsewhere.example/v1.0/users?$skiptoken=x'))).toMatchObject({ kind: 'refused' });
  });
});

describe('throttling', () => {
  it('waits exactly Retry-After after a 429 or a 503, then goes on', async () => {
    graph.throttle({ next: 2, retryAfter: 3 });
    const c = client();
    await c.get('/organization');
    graph.throttle({ next: 1, retryAfter: 7, status: 503 });
    await c.get('/organization');
    expect(waits).toEqual([3000, 3000, 7000]);
    expect(c.stats).toMatchObject({ throttled: 3, retries: 3 });
  });

  it('without Retry-After, backs off exponentially with jitter', async () => {
    graph.throttle({ next: 3, retryAfter: null });
    await client().get('/organization');
    // random() is 0.5: half of 1 s, 2 s, 4 s.
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it('gives up after the attempts allowed, saying it was throttled', async () => {
    graph.throttle({ next: 10, retryAfter: 0 });
    const c = client({}, { retry: { ...DEFAULT_RETRY, maxAttempts: 3 } });
    expect(await failure(c.get('/organization'))).toMatchObject({ kind: 'throttled', details: { status: 429 } });
    expect(waits).toHaveLength(2);
    graph.throttle({ next: 0 });
  });
});

describe('JSON batches', () => {
  it('sends again, alone, the requests Graph throttled inside a batch (and what depended on them), until each has its answer', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `batch${i}@contoso.onmicrosoft.com`);
    for (const upn of names) graph.tenant.addUser({ userPrincipalName: upn });
    graph.throttle({ fraction: 0.3, retryAfter: 2, inBatchOnly: true, seed: 7 });
    const c = client();
    const answers = await c.batch(
      names.map((upn, i) => ({
        id: String(i + 1),
        method: 'GET' as const,
        url: `/users/${upn}?$select=id,userPrincipalName`,
        ...(i === 1 ? { dependsOn: ['1'] } : {}),
      })),
    );
    expect(answers.map((a) => a.status)).toEqual(names.map(() => 200));
    expect(answers.map((a) => (a.body as GraphUser).userPrincipalName)).toEqual(names);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((w) => w === 2000)).toBe(true);
    const inner = graph.calls().filter((call) => call.inner);
    expect(inner.filter((call) => call.status === 429).length).toBeGreaterThan(0);
  });

  it('a request that failed because the one it depends on was throttled is sent again with it', async () => {
    graph.throttle({ next: 1, retryAfter: 1, inBatchOnly: true });
    const before = graph.calls().length;
    const answers = await client().batch([
      { id: '1', method: 'GET', url: '/organization' },
      { id: '2', method: 'GET', url: '/domains', dependsOn: ['1'] },
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(
      graph
        .calls()
        .slice(before)
        .filter((c) => c.inner)
        .map((c) => c.status),
    ).toEqual([429, 424, 200, 200]);
    expect(waits).toEqual([1000]);
  });

  it('keeps a final refusal and the 424 of what depended on it; at most 20 requests', async () => {
    const answers = await client().batch([
      { id: 'a', method: 'GET', url: '/users/nobody@contoso.onmicrosoft.com' },
      { id: 'b', method: 'GET', url: '/organization', dependsOn: ['a'] },
    ]);
    expect(answers.map((a) => a.status)).toEqual([404, 424]);
    await expect(client().batch(Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET' as const, url: '/organization' })))).rejects.toThrow(
      /at most 20/,
    );
  });
});
