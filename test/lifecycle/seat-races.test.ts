import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { assignProduct } from '../../src/core/licenses/assign-product.js';
import { changeQuantity } from '../../src/core/licenses/change-quantity.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { BASIC, makeUser } from './helpers.js';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 10 });
});
afterEach(async () => db.destroy());

const upn = (alias: string) => `${alias}@contoso.onmicrosoft.com`;

describe('a bulk assign racing single assigns, deletes and a quantity change', () => {
  it('never over-assigns, and the ledger matches the assignments', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `u${i}`);
    for (const alias of aliases)
      await makeUser(db.ctx, alias, { licenses: alias === 'u0' || alias === 'u1' ? [{ skuId: BASIC.skuId, disabledPlans: [] }] : [] });
    // Interleaved requests on the real database: every transaction is one user's change, so the
    // others run between them, in an order fast-check picks (fixed seed).
    const order = fc.sample(fc.shuffledSubarray(aliases, { minLength: 30, maxLength: 30 }), { numRuns: 1, seed: 42 })[0]!;
    const results = await Promise.all([
      assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: aliases.map(upn) }, many: true }),
      ...order.slice(0, 15).map((alias) => assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: [upn(alias)] } })),
      deleteUsers(db.ctx, OWNER, { usernames: ['u0', 'u1', 'u29'].map(upn) }),
      changeQuantity(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 9 }),
      ...order.slice(15).map((alias) => assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: [upn(alias)] } })),
    ]);
    // The quantity change may lose its race (refused: more assigned than 9 by then); the rest succeed.
    const quantity = results[17]!;
    expect(quantity.ok || quantity.code === 'conflict').toBe(true);
    expect(results.filter((_, i) => i !== 17).every((r) => r.ok)).toBe(true);
    const pool = await db.db.selectFrom('LicensePool').select(['total', 'assigned']).executeTakeFirstOrThrow();
    expect(pool.assigned).toBeLessThanOrEqual(pool.total);
    expect(pool.assigned).toBe(pool.total); // 28 users wanted seats: every free one was taken
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });
});
