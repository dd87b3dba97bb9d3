import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inSavepoint, inTransaction } from '../../src/store/database.js';
import { lockOrganization, requireOrganizationLock } from '../../src/store/organization-lock.js';
import { addSubscription } from '../../src/store/seat-ledger.js';
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

  it("refuses a seat write from a transaction that does not hold its organization's lock", async () => {
    const purchase = { tenantId: 't1', skuId: 'sku', partNumber: 'PART', quantity: 1 };
    await expect(addSubscription(db.db, purchase, new Date())).rejects.toThrow(/addSubscription runs in a transaction that holds its organization's lock/);
    // On SQLite every transaction holds the one write lock; on PostgreSQL only lockOrganization's does.
    const unlocked = inTransaction(db.db, (tx) => requireOrganizationLock(tx, 't1', 'a seat write'));
    if (kind === 'postgres') await expect(unlocked).rejects.toThrow(/a seat write runs in a transaction that holds/);
    else await expect(unlocked).resolves.toBeUndefined();
    await expect(
      inTransaction(db.db, async (tx) => {
        await lockOrganization(tx, 't1');
        await requireOrganizationLock(tx, 't1', 'a seat write');
        if (kind === 'postgres') await expect(requireOrganizationLock(tx, 't2', 'a seat write')).rejects.toThrow(/holds its organization's lock/);
      }),
    ).resolves.toBeUndefined();
  });

  it('forgets a lock taken in a savepoint that was rolled back to (PostgreSQL releases it), and keeps one the savepoint was released with', async () => {
    await inTransaction(db.db, async (tx) => {
      await inSavepoint(tx, () => lockOrganization(tx, 't1'), { rehearse: true });
      if (kind === 'postgres') await expect(requireOrganizationLock(tx, 't1', 'a seat write')).rejects.toThrow(/holds its organization's lock/);
      await inSavepoint(tx, () => inSavepoint(tx, () => lockOrganization(tx, 't1')));
      await requireOrganizationLock(tx, 't1', 'a seat write');
    });
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

  it('is really released with a savepoint rolled back to: another transaction takes it before the first ends', async () => {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    let undone!: () => void;
    const released = new Promise<void>((resolve) => (undone = resolve));
    const first = inTransaction(db.db, async (tx) => {
      await inSavepoint(tx, () => lockOrganization(tx, 'tenant-a'), { rehearse: true });
      undone();
      await ended;
    });
    await released;
    await inTransaction(db.db, (tx) => lockOrganization(tx, 'tenant-a'));
    end();
    await first;
  });

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
