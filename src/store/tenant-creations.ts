import type { Db } from './database.js';
import { fromDbDate, toDbDate } from './values.js';

/**
 * What an import asked a connected tenant to make, before it asked (`TenantCreation`): a run
 * resumed after a crash, between the tenant making its users and Roster recording them, recognizes
 * them by username instead of making them twice. Removed when the users are recorded.
 */

/** Notes the rows about to be sent; a row asked for by an earlier run keeps its first time. */
export async function recordTenantCreations(db: Db, importJobId: string, rows: readonly { rowNumber: number; upnKey: string }[], at: Date): Promise<void> {
  for (const row of rows)
    await db
      .insertInto('TenantCreation')
      .values({ importJobId, rowNumber: row.rowNumber, upnKey: row.upnKey, askedAt: toDbDate(at) })
      .onConflict((conflict) => conflict.columns(['importJobId', 'rowNumber']).doNothing())
      .execute();
}

/** When an earlier run asked for these rows' users (by lower-case username), for the rows it did. */
export async function tenantCreationsOf(db: Db, importJobId: string, rowNumbers: readonly number[]): Promise<Map<string, Date>> {
  if (rowNumbers.length === 0) return new Map();
  const rows = await db
    .selectFrom('TenantCreation')
    .select(['upnKey', 'askedAt'])
    .where('importJobId', '=', importJobId)
    .where('rowNumber', 'in', [...rowNumbers])
    .execute();
  return new Map(rows.map((row) => [row.upnKey, fromDbDate(row.askedAt)]));
}

/** The rows' users are recorded (or refused): nothing left to recognize. */
export async function forgetTenantCreations(db: Db, importJobId: string, rowNumbers: readonly number[]): Promise<void> {
  if (rowNumbers.length === 0) return;
  await db
    .deleteFrom('TenantCreation')
    .where('importJobId', '=', importJobId)
    .where('rowNumber', 'in', [...rowNumbers])
    .execute();
}
