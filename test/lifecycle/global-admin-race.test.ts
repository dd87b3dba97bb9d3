import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { addUser } from '../../src/core/users/add-user.js';
import { countSignInAllowedGlobalAdmins } from '../../src/store/user-edits.js';
import { raceProcesses } from '../support/race-processes.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/*
 * Two Roster processes on one database, two Global admins per organization: in each of 80
 * organizations Alice blocks Bob from one process while Bob deletes Alice from the other. Whatever
 * the interleaving, every organization must keep a Global admin who can sign in: the second change
 * is decided inside its own transaction with the first one's result in view (issue: two instances
 * left 6 of 80 organizations with none). On PostgreSQL the two transactions really run at the same
 * time; the organization's lock (store/organization-lock.ts) puts the second after the first.
 */
describeOnEachDatabase('blocking one Global admin while they delete the other, from two processes', (kind) => {
  // PostgreSQL runs the two transactions truly at once, so fewer organizations meet every
  // interleaving there (organization-lock-writers.test.ts checks each writer waits, deterministically).
  const ORGANIZATIONS = kind === 'postgres' ? 30 : 80;
  const teams = Array.from({ length: ORGANIZATIONS }, (_, i) => `T0RACE${i}`);
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(undefined, { kind });
    for (const [i, teamId] of teams.entries()) {
      const alice = { teamId, slackUserId: 'U0ALICE' };
      const setup = await setupTenant(db.ctx, alice, {
        organizationName: `Race ${i}`,
        initialDomain: `race${i}`,
        requester: {
          isWorkspaceOwnerOrAdmin: true,
          isBootstrapAdmin: false,
          firstName: 'Alice',
          lastName: 'A',
          displayName: 'Alice A',
          email: 'alice@example.com',
        },
      });
      if (!setup.ok) throw new Error(setup.message);
      const bob = await addUser(db.ctx, alice, {
        firstName: 'Bob',
        lastName: 'B',
        displayName: 'Bob B',
        alias: 'bob',
        domain: `race${i}.onmicrosoft.com`,
        password: { mode: 'auto' },
        roles: ['global_admin'],
        alternateEmail: 'bob@example.com',
        slackUserId: 'U0BOB',
      });
      if (!bob.ok) throw new Error(bob.message);
    }
  });
  afterAll(async () => db.destroy());

  it('leaves every organization a Global admin who can sign in', async () => {
    const [blocks, deletes] = await raceProcesses(db.url, [
      teams.map((teamId) => ({ op: 'block' as const, actor: { teamId, slackUserId: 'U0ALICE' }, username: 'bob' })),
      teams.map((teamId) => ({ op: 'delete' as const, actor: { teamId, slackUserId: 'U0BOB' }, username: 'alice' })),
    ]);
    const tenants = await db.db.selectFrom('Tenant').select(['id', 'slackTeamId']).execute();
    const without = [];
    for (const tenant of tenants) if ((await countSignInAllowedGlobalAdmins(db.db, tenant.id)) === 0) without.push(tenant.slackTeamId);
    expect(without).toEqual([]);
    // In each organization exactly one of the two changes went through.
    for (let i = 0; i < ORGANIZATIONS; i++) expect([blocks![i], deletes![i]].filter(Boolean)).toHaveLength(1);
  });
});
