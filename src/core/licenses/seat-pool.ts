import type Database from 'better-sqlite3';
import { productBySkuId } from '../catalogue/catalogue.js';
import { CoreFailure, fail } from '../result.js';
import { statement } from '../store/statements.js';

/**
 * Takes `count` seats of a product in one conditional UPDATE (`assigned + n <= total`), inside the
 * caller's transaction, so two writers racing for the last seat cannot both win. Throws a
 * CoreFailure (rolling the transaction back) when too few are free.
 */
export function takeSeats(db: Database.Database, tenantId: string, skuId: string, count: number, field = 'licenses'): void {
  if (count <= 0) return;
  const changed = statement(db, 'UPDATE LicensePool SET assigned = assigned + ? WHERE tenantId = ? AND skuId = ? AND assigned + ? <= total').run(count, tenantId, skuId, count).changes;
  if (changed === 1) return;
  const pool = statement(db, 'SELECT total, assigned FROM LicensePool WHERE tenantId = ? AND skuId = ?').get(tenantId, skuId) as { total: number; assigned: number } | undefined;
  const product = productBySkuId(skuId);
  const name = product?.displayName ?? skuId;
  const available = pool ? pool.total - pool.assigned : 0;
  throw new CoreFailure(
    fail(
      'no_seats',
      available <= 0
        ? `No ${name} licenses are left (${pool?.assigned ?? 0} of ${pool?.total ?? 0} assigned). Buy more with \`/licenses buy ${product?.partNumber ?? skuId} <quantity>\`, or add the user without this license.`
        : `Only ${available} ${name} license${available === 1 ? ' is' : 's are'} left and ${count} are needed. Buy more with \`/licenses buy\`.`,
      [{ field, message: `No ${name} license left. Buy more or pick no license.` }],
    ),
  );
}
