/** Roster in Slack on an organization connected to the fake Graph (issue 16's end-to-end tests). */
import { expect } from 'vitest';
import type { MemberActor } from '../../src/core/context.js';
import { BASIC, E3 } from '../lifecycle/helpers.js';
import { addProduct, GLOBAL_ADMINISTRATOR, WRITE_PERMISSIONS } from '../microsoft/tenant-support.js';
import { connectToFake } from '../support/connected-tenant.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { seedTenant } from '../support/test-db.js';

export const OWNER = 'U0OWNER';

export interface ConnectedRoster {
  r: RosterUnderTest;
  graph: FakeGraph;
  /** The Global admin (Olivia, a Slack owner) as the core's actor. */
  owner: MemberActor;
  /** Olivia's username, in Roster and in the tenant. */
  admin: string;
  stop(): Promise<void>;
}

/**
 * The Roster app (real signed HTTP, the fake Slack API) on an organization connected to the fake
 * tenant Contoso Ltd (contoso.onmicrosoft.com and contoso.com; Business Basic with `basicSeats`
 * seats, Office 365 E3 with 5) and synced once. Olivia, a Slack owner, is its Global admin in both.
 */
export async function startConnectedRoster(options: { basicSeats?: number } = {}): Promise<ConnectedRoster> {
  const graph = await startFakeGraph({ displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com' });
  const app = graph.registerApp({ permissions: WRITE_PERMISSIONS, roles: ['User Administrator'] });
  const r = await startRosterUnderTest({ graph });
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  const admin = (await seedTenant(r.db.ctx, owner)).admin.userPrincipalName;
  graph.tenant.addDomain('contoso.com');
  addProduct(graph, BASIC, options.basicSeats ?? 10);
  addProduct(graph, E3, 5);
  graph.tenant.addUser({ userPrincipalName: admin, displayName: 'Olivia Owner', usageLocation: 'NL' });
  graph.tenant.assignRole(admin, GLOBAL_ADMINISTRATOR);
  const synced = await connectToFake(r.db, owner, graph, app);
  if (synced.status !== 'succeeded') throw new Error(synced.error ?? 'first sync failed');
  return {
    r,
    graph,
    owner,
    admin,
    async stop() {
      await r.stop();
      await graph.close();
    },
  };
}

/** The modal a request opened (views.open after `before`). */
export async function openedView(r: RosterUnderTest, before: number) {
  const call = await r.fake.waitFor('views.open', { after: before });
  expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
  return r.fake.viewRecord((call.response as unknown as { view: { id: string } }).view.id)!.view;
}

/** The local mirror's row of a user, by username. */
export async function mirrorRow(r: RosterUnderTest, upn: string) {
  return r.db.db.selectFrom('DirectoryUser').selectAll().where('upnKey', '=', upn.toLowerCase()).executeTakeFirst();
}

/** The products (and apps turned off) the local mirror records for a user. */
export async function mirrorLicenses(r: RosterUnderTest, userId: string) {
  return (await r.db.db.selectFrom('LicenseAssignment').select(['skuId', 'disabledPlans']).where('userId', '=', userId).orderBy('skuId').execute()).map(
    (l) => ({ skuId: l.skuId, disabledPlans: JSON.parse(l.disabledPlans) as string[] }),
  );
}

type Values = Parameters<RosterUnderTest['sim']['viewSubmission']>[1];

/** Submits a modal and waits until Roster finished with it (the work after the ack included): its ack. */
export async function submitAndSettle(r: RosterUnderTest, view: object, values: Values, userId: string) {
  const triggerId = r.fake.issueTriggerId({ userId });
  const res = await r.sim.viewSubmission(view, values, { userId, triggerId });
  expect(res.problems).toEqual([]);
  await r.handled(triggerId);
  return res;
}
