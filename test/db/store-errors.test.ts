import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UniqueViolation } from '../../src/store/errors.js';
import { createTestDatabase, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
});
afterEach(async () => db.destroy());

describe('the store raises its own errors, in the domain’s words', () => {
  it('a broken unique index comes out as a UniqueViolation naming the rule, with the driver’s error as its cause', async () => {
    const tenant = await db.db.selectFrom('Tenant').selectAll().executeTakeFirstOrThrow();
    const error = await db.db
      .insertInto('Tenant')
      .values({ ...tenant, id: 'another' })
      .execute()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UniqueViolation);
    expect((error as UniqueViolation).constraint).toBe('workspace');
    expect((error as UniqueViolation).where).toBe('Tenant.slackTeamId');
    expect(((error as UniqueViolation).cause as { code: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(tenant.slackTeamId).toBe(TEAM);
  });

  it('other driver errors come out as they were', async () => {
    const error = await db.db
      .insertInto('Domain')
      .values({ id: 'd', tenantId: 'no such tenant', name: 'x.example', isInitial: 0, verified: 0 } as never)
      .execute()
      .catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(UniqueViolation);
    expect(error).toBeInstanceOf(Error);
  });
});
