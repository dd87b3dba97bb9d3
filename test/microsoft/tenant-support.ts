import type { Product } from '../../src/core/catalogue/catalogue.js';
import type { DatabaseKind } from '../../src/store/dialect.js';
import { createLogger } from '../../src/log.js';
import { connectToFake, fakeGraphOptions } from '../support/connected-tenant.js';
import { startFakeGraph, type FakeApp, type FakeGraph, type FakeGraphCall } from '../support/fake-graph.js';
import { createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';
import { BASIC, E3 } from '../lifecycle/helpers.js';

/** The Global Administrator role's template id in Microsoft Entra. */
export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

/** Everything Roster's writes to a tenant need: to read, write users, invite guests, and set passwords (the User Administrator role). */
export const WRITE_PERMISSIONS = ['User.ReadWrite.All', 'User.Invite.All', 'Organization.Read.All', 'Domain.Read.All'];

export interface ConnectedWorld {
  graph: FakeGraph;
  app: FakeApp;
  db: TestDatabase;
  /** The Global admin's username (in Roster and in the tenant). */
  admin: string;
  /** Waits the Graph client asked for (Retry-After, backoff, a new user not visible yet), recorded instead of slept. */
  waits: number[];
  close(): Promise<void>;
}

/** A tenant with the catalogue's service plans of `product`, `enabled` seats. */
export function addProduct(graph: FakeGraph, product: Product, enabled: number): void {
  graph.tenant.addSku({
    skuId: product.skuId,
    skuPartNumber: product.partNumber,
    enabled,
    servicePlans: product.plans.map((p) => ({ servicePlanId: p.id, servicePlanName: p.name, provisioningStatus: 'Success', appliesTo: 'User' })),
  });
}

/**
 * An organization connected to the fake tenant (Contoso Ltd: contoso.onmicrosoft.com and
 * contoso.com) and synced once: the Global admin is in both, with Business Basic (10 seats) and
 * Office 365 E3 (5 seats) subscribed.
 */
export async function connectedWorld(
  options: { permissions?: string[]; roles?: string[]; sleepForReal?: boolean; kind?: DatabaseKind } = {},
): Promise<ConnectedWorld> {
  const graph = await startFakeGraph({ displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com' });
  const app = graph.registerApp({ permissions: options.permissions ?? WRITE_PERMISSIONS, roles: options.roles ?? ['User Administrator'] });
  const waits: number[] = [];
  const graphOptions = fakeGraphOptions(graph, waits);
  // Waits are recorded and not slept, unless the test needs time to pass (a new user becoming visible).
  if (options.sleepForReal) graphOptions.transport = { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, waits.push(ms) && ms)) };
  const db = await createTestDatabase(undefined, {
    graph: graphOptions,
    logger: createLogger('error', () => undefined),
    ...(options.kind ? { kind: options.kind } : {}),
  });
  const { admin } = await seedTenant(db.ctx);
  graph.tenant.addDomain('contoso.com');
  addProduct(graph, BASIC, 10);
  addProduct(graph, E3, 5);
  graph.tenant.addUser({ userPrincipalName: admin.userPrincipalName, displayName: 'Olivia Owner', usageLocation: 'NL' });
  // Olivia is a Global Administrator of the tenant too (Roster's roles follow the tenant's when the app may read them).
  graph.tenant.assignRole(admin.userPrincipalName, GLOBAL_ADMINISTRATOR);
  const synced = await connectToFake(db, { teamId: 'T0TEST', slackUserId: 'U0OWNER' }, graph, app);
  if (synced.status !== 'succeeded') throw new Error(`first sync: ${synced.error}`);
  return {
    graph,
    app,
    db,
    admin: admin.userPrincipalName,
    waits,
    async close() {
      await db.destroy();
      await graph.close();
    },
  };
}

/** The changes the fake was asked for since `from` (GETs left out), as `METHOD /path`. */
export function changesAsked(graph: FakeGraph, from = 0): string[] {
  return graph
    .calls()
    .slice(from)
    .filter((c: FakeGraphCall) => c.method !== 'GET' && !c.path.endsWith('/$batch') && !c.path.includes('oauth2'))
    .map((c) => `${c.method} ${c.path.replace(/^\/v1\.0/, '')} ${c.status}`);
}

/** The last body sent with a request `METHOD path` (the path without its query; a trailing `*` matches any rest). */
export function lastBody(graph: FakeGraph, request: string): unknown {
  const wanted = request.endsWith('*') ? (said: string) => said.startsWith(request.slice(0, -1)) : (said: string) => said === request;
  return graph
    .calls()
    .filter((c) => wanted(`${c.method} ${c.path.replace(/^\/v1\.0/, '').split('?')[0]}`))
    .at(-1)?.body;
}
