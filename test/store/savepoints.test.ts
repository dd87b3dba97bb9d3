import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { step, transaction } from '../../src/core/transaction.js';
import { CoreFailure, fail } from '../../src/core/result.js';
import { inSavepoint, type Db } from '../../src/store/database.js';
import { createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('steps inside a transaction', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind });
    await seedTenant(db.ctx);
  });
  afterEach(async () => db.destroy());

  const rename = (tx: Db, name: string) => tx.updateTable('Tenant').set({ name }).execute();
  const names = async () => (await db.db.selectFrom('Tenant').select('name').execute()).map((row) => row.name);

  describe('steps inside a transaction (savepoints)', () => {
    it('a step that fails undoes only its own writes; the transaction goes on and commits the rest', async () => {
      const outcome = await transaction(db.ctx, async (tx) => {
        await rename(tx, 'First');
        const refused = await step(tx, async () => {
          await rename(tx, 'Refused');
          throw new CoreFailure(fail('conflict', 'no seat left'));
        });
        expect(await tx.selectFrom('Tenant').select('name').execute()).toEqual([{ name: 'First' }]);
        const kept = await step(tx, async () => {
          await tx.updateTable('Tenant').set({ passwordExpiryDays: 42 }).execute();
          return 'kept';
        });
        return { refused, kept };
      });
      expect(outcome).toEqual({ ok: true, value: { refused: { ok: false, code: 'conflict', message: 'no seat left' }, kept: { ok: true, value: 'kept' } } });
      expect(await names()).toEqual(['First']);
      expect(await db.db.selectFrom('Tenant').select('passwordExpiryDays').executeTakeFirstOrThrow()).toEqual({ passwordExpiryDays: 42 });
    });

    it('a rehearsed step is undone even when it succeeds, and any other error comes out after its rollback', async () => {
      await transaction(db.ctx, async (tx) => {
        expect(await step(tx, () => rename(tx, 'Rehearsed').then(() => 'value'), { rehearse: true })).toEqual({ ok: true, value: 'value' });
        await expect(step(tx, () => rename(tx, 'Broken').then(() => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
        return null;
      });
      expect(await names()).toEqual(['Contoso']);
    });

    it('a step whose statement the database refused (a unique index) is undone, and the transaction goes on', async () => {
      const outcome = await transaction(db.ctx, async (tx) => {
        await rename(tx, 'Kept');
        const tenant = await tx.selectFrom('Tenant').selectAll().executeTakeFirstOrThrow();
        await expect(
          step(tx, () =>
            tx
              .insertInto('Tenant')
              .values({ ...tenant, id: 'twin' })
              .execute(),
          ),
        ).rejects.toThrow(/unique violation \(workspace\)/);
        await tx.updateTable('Tenant').set({ passwordExpiryDays: 7 }).execute();
        return 'committed';
      });
      expect(outcome).toEqual({ ok: true, value: 'committed' });
      expect(await db.db.selectFrom('Tenant').select(['name', 'passwordExpiryDays']).execute()).toEqual([{ name: 'Kept', passwordExpiryDays: 7 }]);
    });

    it('refuses to run outside a transaction', async () => {
      await expect(inSavepoint(db.db, async () => 1)).rejects.toThrow(/inside a transaction/);
    });
  });
});
