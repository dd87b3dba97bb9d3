import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkConsistency, isConsistent } from '../../src/core/health/check-consistency.js';
import { updateUserFields } from '../../src/store/user-edits.js';
import { createTestDatabase, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { makeUser } from '../lifecycle/helpers.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('roster check', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
  });
  afterEach(async () => db.destroy());

  describe('roster check', () => {
    it('is clean on a directory Roster made, and finds stale search terms, a wrongly indexed user and an organization without a Global admin', async () => {
      const ana = await makeUser(db.ctx, 'ana');
      expect(isConsistent(await checkConsistency(db.ctx))).toBe(true);
      const tenant = await db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow();
      await db.db.insertInto('UserSearchTerm').values({ tenantId: tenant.id, term: 'ghost', displayName: 'Ghost', userId: 'no-such-user' }).execute();
      await db.db.updateTable('DirectoryUser').set({ displayName: 'Renamed Behind Its Back' }).where('id', '=', ana.id).execute();
      const owner = await db.db.selectFrom('DirectoryUser').select('id').where('aliasKey', '=', 'olivia').executeTakeFirstOrThrow();
      await updateUserFields(db.db, owner.id, { accountEnabled: false }, new Date());
      const report = await checkConsistency(db.ctx);
      expect(report.searchIndex).toEqual({ termsOfInactiveUsers: 1, usersIndexedWrongly: 1 });
      expect(report.withoutGlobalAdmin).toEqual([TEAM]);
      expect(isConsistent(report)).toBe(false);
    });
  });
});
