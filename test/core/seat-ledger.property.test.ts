import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport, startImport, verifyImport } from '../../src/core/bulk/index.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { changeUserLicenses, LicenseChangeRefused } from '../../src/core/licenses/change-user-licenses.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { transaction } from '../../src/core/transaction.js';
import { addUser } from '../../src/core/users/add-user.js';
import { licensePools } from '../../src/store/seat-ledger.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const STANDARD = productByPartNumber('O365_BUSINESS_PREMIUM')!;
const PRODUCTS = [BASIC, STANDARD];
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'roster-test-ledger-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Op =
  | { kind: 'take'; user: number; product: number }
  | { kind: 'release'; user: number; product: number }
  | { kind: 'import'; rows: number; products: number[]; unlicensedRest: boolean }
  | { kind: 'buy'; product: number; quantity: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('take' as const), user: fc.nat(9), product: fc.nat(1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('release' as const), user: fc.nat(9), product: fc.nat(1) }) },
  {
    weight: 1,
    // One product or both: each user of an import takes a seat of every product given.
    arbitrary: fc.record({
      kind: fc.constant('import' as const),
      rows: fc.integer({ min: 1, max: 12 }),
      products: fc.subarray([0, 1], { minLength: 1 }),
      unlicensedRest: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('buy' as const), product: fc.nat(1), quantity: fc.integer({ min: 1, max: 3 }) }) },
);

let files = 0;
async function run(db: TestDatabase, userIds: string[], owned: string[], o: Op): Promise<void> {
  if (o.kind === 'import') {
    const n = ++files;
    const file = path.join(dir, `f${n}-${process.pid}.csv`);
    const header =
      'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';
    writeFileSync(
      file,
      [header, ...Array.from({ length: o.rows }, (_, i) => `imp${n}x${i}@contoso.onmicrosoft.com,I,,Imported ${n} ${i},,,,,,,,,,,,`)].join('\r\n'),
    );
    const verified = await verifyImport(db.ctx, OWNER, { path: file, fileName: 'f.csv', fileId: `F${n}-${Math.random()}` });
    if (!verified.ok || !verified.preview.jobId) throw new Error('preview failed');
    const started = await startImport(db.ctx, OWNER, verified.preview.jobId, {
      signInAllowed: true,
      usageLocation: 'NL',
      licenses: o.products.map((i) => ({ skuId: PRODUCTS[i]!.skuId, disabledPlans: [] })),
      whenSeatsRunOut: o.unlicensedRest ? 'create_unlicensed' : 'licensed_only',
      recipients: [],
    });
    if (!started.ok) throw new Error(started.message);
    await runImport(db.ctx, verified.preview.jobId, file, { batchSize: 4 });
    return;
  }
  const product = PRODUCTS[o.product]!;
  if (o.kind === 'buy') {
    await buyLicenses(db.ctx, OWNER, { product: product.partNumber, quantity: o.quantity });
    return;
  }
  const userId = userIds[o.user]!;
  const request = o.kind === 'take' ? { add: [{ skuId: product.skuId, disabledPlans: [] }] } : { remove: [product.skuId] };
  try {
    await transaction(db.ctx, (tx) =>
      changeUserLicenses(tx, userId, request, { ownedSkuIds: owned, directory: db.ctx.directory, mayLicenseGuests: true, now: db.ctx.now() }),
    );
  } catch (error) {
    // Refusals (no seat left, two Exchange plans at once) are expected outcomes; they must change nothing.
    if (!(error instanceof LicenseChangeRefused)) throw error;
  }
}

describe('the seat ledger', () => {
  it('keeps assigned equal to the assignments, and never above the total, whatever runs at the same time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), async (rounds) => {
        const db = await createTestDatabase();
        try {
          await seedTenant(db.ctx);
          for (const product of PRODUCTS) await buyLicenses(db.ctx, OWNER, { product: product.partNumber, quantity: 4 });
          const owned = PRODUCTS.map((p) => p.skuId);
          const userIds: string[] = [];
          for (let i = 0; i < 10; i++) {
            const added = await addUser(db.ctx, OWNER, {
              displayName: `User ${i}`,
              alias: `u${i}`,
              domain: 'contoso.onmicrosoft.com',
              password: { mode: 'auto' },
              usageLocation: 'NL',
            });
            if (!added.ok) throw new Error(added.message);
            userIds.push(added.userId);
          }
          // Each round's operations run at the same time; rounds follow each other.
          for (const round of rounds) await Promise.all(round.map((o) => run(db, userIds, owned, o)));
          expect(await checkSeatLedger(db.ctx)).toEqual([]);
          for (const pool of await licensePools(db.db, (await db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow()).id)) {
            expect(pool.assigned).toBeLessThanOrEqual(pool.total);
          }
        } finally {
          await db.destroy();
        }
      }),
      { numRuns: 12 },
    );
  });

  it('the check finds a pool whose count was changed behind the ledger', async () => {
    const db = await createTestDatabase();
    try {
      await seedTenant(db.ctx);
      await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 2 });
      await db.db.updateTable('LicensePool').set({ assigned: 1 }).execute();
      expect(await checkSeatLedger(db.ctx)).toEqual([expect.objectContaining({ skuId: BASIC.skuId, recorded: 1, counted: 0, total: 2 })]);
    } finally {
      await db.destroy();
    }
  });
});
