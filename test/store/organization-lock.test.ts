import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/store/database.js';
import { lockOrganization } from '../../src/store/organization-lock.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { testPostgresUrl } from '../support/postgres-schemas.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

describeOnEachDatabase('the organization lock', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind });
  });
  afterEach(async () => db.destroy());

  it('is taken inside a transaction only', async () => {
    await expect(lockOrganization(db.db, 't1')).rejects.toThrow(/inside a transaction/);
    await expect(inTransaction(db.db, (tx) => lockOrganization(tx, 't1'))).resolves.toBeUndefined();
  });
});

/**
 * On PostgreSQL transactions run side by side, so the lock is a real one (on SQLite every
 * transaction already holds the one write lock): a second transaction of the same organization
 * waits until the first ends; another organization's does not.
 */
describe.skipIf(!testPostgresUrl)('the organization lock on PostgreSQL', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind: 'postgres' });
  });
  afterEach(async () => db.destroy());

  /** Resolves once a transaction waits for an advisory lock (PostgreSQL's own view of its locks). */
  async function someoneWaits(): Promise<void> {
    for (;;) {
      const waiting = await db.db
        .selectFrom('pg_locks' as never)
        .select('pid' as never)
        .where('locktype' as never, '=', 'advisory' as never)
        .where('granted' as never, '=', false as never)
        .execute();
      if (waiting.length > 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('holds a second transaction of the same organization until the first ends, and no other organization', async () => {
    const events: string[] = [];
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    let locked!: () => void;
    const holds = new Promise<void>((resolve) => (locked = resolve));
    const first = inTransaction(db.db, async (tx) => {
      await lockOrganization(tx, 'tenant-a');
      locked();
      await ended;
      events.push('first ends');
    });
    await holds;
    await inTransaction(db.db, async (tx) => {
      await lockOrganization(tx, 'tenant-b');
      events.push('other organization locked');
    });
    const second = inTransaction(db.db, async (tx) => {
      await lockOrganization(tx, 'tenant-a');
      events.push('second locked');
    });
    await someoneWaits();
    expect(events).toEqual(['other organization locked']);
    end();
    await Promise.all([first, second]);
    expect(events).toEqual(['other organization locked', 'first ends', 'second locked']);
  });
});
