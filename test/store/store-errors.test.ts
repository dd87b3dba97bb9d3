import { afterEach, beforeEach, expect, it } from 'vitest';
import { UniqueViolation } from '../../src/store/errors.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createTestDatabase, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

describeOnEachDatabase('the store raises its own errors, in the domain’s words', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
  });
  afterEach(async () => db.destroy());

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
    expect(((error as UniqueViolation).cause as { code: string }).code).toBe(kind === 'sqlite' ? 'SQLITE_CONSTRAINT_UNIQUE' : '23505');
    expect(tenant.slackTeamId).toBe(TEAM);
  });

  it('a partial unique index names its rule too, and the error holds no value that broke it', async () => {
    const user = await db.db.selectFrom('DirectoryUser').selectAll().executeTakeFirstOrThrow();
    const error = await db.db
      .insertInto('DirectoryUser')
      .values({ ...user, id: 'another', slackUserId: null })
      .execute()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UniqueViolation);
    expect((error as UniqueViolation).constraint).toBe('username');
    expect((error as UniqueViolation).where).toBe('DirectoryUser.tenantId, DirectoryUser.upnKey');
    expect(JSON.stringify({ ...(error as Error), message: (error as Error).message, cause: String((error as Error).cause) })).not.toContain(user.upnKey);
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
