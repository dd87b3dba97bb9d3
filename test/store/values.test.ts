import { afterEach, beforeEach, expect, it } from 'vitest';
import { inTransaction, runEach } from '../../src/store/database.js';
import { insertPendingCredential, pendingCredentialById } from '../../src/store/pending-credentials.js';
import { importRowTotals, jobCounts } from '../../src/store/operations.js';
import { listUsersPage } from '../../src/store/user-views.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';

const NOW = new Date('2026-12-02T10:00:00.123Z');

/**
 * What the store reads back is the same on both databases (the generated types are one set):
 * booleans 0/1, dates ISO-8601 text with an explicit offset, counts and sums numbers, JSON text as
 * written, bytes as bytes; bulk writes answer each row's changed count; text folds as lower() does.
 */
describeOnEachDatabase('values in and out of the store', (kind) => {
  let db: TestDatabase;
  let tenantId: string;
  beforeEach(async () => {
    db = await createTestDatabase(() => NOW, { kind });
    tenantId = (await seedTenant(db.ctx)).tenantId;
  });
  afterEach(async () => db.destroy());

  it('booleans come back as 0 and 1, dates as ISO-8601 text with +00:00, counts and sums as numbers', async () => {
    await db.db.updateTable('DirectoryUser').set({ accountEnabled: 0, lastSignInAt: '2026-12-01T08:30:00.500+00:00' }).execute();
    const user = await db.db
      .selectFrom('DirectoryUser')
      .select(['accountEnabled', 'forceChangePassword', 'createdAt', 'lastSignInAt', 'deletedAt'])
      .executeTakeFirstOrThrow();
    expect(user).toEqual({
      accountEnabled: 0,
      forceChangePassword: 1,
      createdAt: '2026-12-02T10:00:00.123+00:00',
      lastSignInAt: '2026-12-01T08:30:00.500+00:00',
      deletedAt: null,
    });
    const domain = await db.db.selectFrom('Domain').select(['isInitial', 'verified', 'isDefault', 'createdAt']).executeTakeFirstOrThrow();
    expect(domain).toEqual({ isInitial: 1, verified: 1, isDefault: 0, createdAt: '2026-12-02T10:00:00.123+00:00' });
    const count = await db.db
      .selectFrom('DirectoryUser')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
    expect(await importRowTotals(db.db)).toEqual({ read: 0, created: 0, skipped: 0 });
    expect(await jobCounts(db.db)).toEqual([]);
    const page = await listUsersPage(db.db, tenantId, { signIn: 'blocked' }, { limit: 5 });
    expect(page.rows.map((row) => row.accountEnabled)).toEqual([false]);
  });

  it('a date compares as the time it is, and a default date is the time of the write', async () => {
    await db.db.insertInto('ProcessedEvent').values({ key: 'e1' }).execute();
    const stored = await db.db.selectFrom('ProcessedEvent').select('createdAt').executeTakeFirstOrThrow();
    expect(Math.abs(new Date(stored.createdAt).getTime() - Date.now())).toBeLessThan(60_000);
    const later = await db.db.selectFrom('DirectoryUser').select('id').where('createdAt', '>', '2026-12-02T09:59:59.999+00:00').execute();
    expect(later).toHaveLength(1);
    const earlier = await db.db.selectFrom('DirectoryUser').select('id').where('createdAt', '<', '2026-12-02T10:00:00.123+00:00').execute();
    expect(earlier).toHaveLength(0);
  });

  it('JSON text, bytes and Unicode text come back as written', async () => {
    const sealed = { ciphertext: Buffer.from([0, 1, 2, 255]), iv: Buffer.alloc(12, 7), tag: Buffer.alloc(16, 9) };
    await insertPendingCredential(db.db, {
      id: 'p1',
      tenantId,
      recipient: 'U0HR',
      userPrincipalName: 'zoë@contoso.onmicrosoft.com',
      sentBy: 'U0OWNER',
      notice: { displayName: 'Zoë 😀', licenses: ['a', 'b'], nested: { z: 1, a: [true, null] } },
      sealed,
      createdAt: NOW,
      expiresAt: new Date(NOW.getTime() + 86_400_000),
    });
    const back = await pendingCredentialById(db.db, 'p1');
    expect(back?.sealed).toEqual(sealed);
    expect(back?.notice).toEqual({ displayName: 'Zoë 😀', licenses: ['a', 'b'], nested: { z: 1, a: [true, null] } });
    expect(back?.expiresAt.toISOString()).toBe('2026-12-03T10:00:00.123Z');
  });

  it('runEach answers each row’s changed count: 0 for a row ON CONFLICT DO NOTHING skipped', async () => {
    const rows = ['a', 'b', 'a', 'c', 'b'].map((key) => ({ key }));
    const changed = await inTransaction(db.db, (tx) =>
      runEach(
        tx,
        (row) =>
          tx
            .insertInto('ProcessedEvent')
            .values(row)
            .onConflict((conflict) => conflict.column('key').doNothing()),
        rows,
      ),
    );
    expect(changed).toEqual([1, 1, 0, 1, 0]);
    // Many rows (PostgreSQL writes them 500 to an INSERT): each row still answers for itself.
    const many = Array.from({ length: 1203 }, (_, i) => ({ key: `k${i % 1201}` }));
    const insert = (tx: typeof db.db) => (row: { key: string }) =>
      tx
        .insertInto('ProcessedEvent')
        .values(row)
        .onConflict((conflict) => conflict.column('key').doNothing());
    const counts = await inTransaction(db.db, (tx) => runEach(tx, insert(tx), many));
    expect(counts).toEqual(many.map((_, i) => (i < 1201 ? 1 : 0)));
    const audits = Array.from({ length: 700 }, (_, i) => ({
      id: `a${i}`,
      tenantId,
      actorSlackUserId: 'U0OWNER',
      action: 'x',
      targetType: 'user',
      summary: `${i}`,
    }));
    expect(await inTransaction(db.db, (tx) => runEach(tx, (row) => tx.insertInto('AuditRecord').values(row), audits))).toEqual(audits.map(() => 1));
    expect(await db.db.selectFrom('AuditRecord').select('id').where('action', '=', 'x').execute()).toHaveLength(700);
    const stamp = '2026-12-03T00:00:00.000+00:00';
    const rerun = [
      { createdAt: stamp, key: 'c' },
      { createdAt: stamp, key: 'x' },
    ];
    expect(await runEach(db.db, (row) => db.db.updateTable('ProcessedEvent').set({ createdAt: row.createdAt }).where('key', '=', row.key), rerun)).toEqual([
      1, 0,
    ]);
  });

  it('profile text matches whatever the case of A to Z, as lower() folds a column; other letters match as written', async () => {
    await db.db.updateTable('DirectoryUser').set({ department: 'Économie', city: 'ÅRHUS' }).execute();
    const count = async (filter: Record<string, string>) => (await listUsersPage(db.db, tenantId, filter, { limit: 5 })).rows.length;
    expect(await count({ department: 'Économie' })).toBe(1);
    expect(await count({ department: 'ÉCONOMIE' })).toBe(1);
    expect(await count({ department: 'économie' })).toBe(0);
    expect(await count({ city: 'Århus' })).toBe(1);
    expect(await count({ city: 'århus' })).toBe(0);
  });
});
