import type { Db } from './database.js';

/** How many jobs are in each status, by kind (for /metrics). */
export async function jobCounts(db: Db): Promise<{ kind: string; status: string; count: number }[]> {
  const rows = await db
    .selectFrom('Job')
    .select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(['kind', 'status'])
    .execute();
  return rows.map((row) => ({ kind: row.kind, status: row.status, count: Number(row.count) }));
}

/** Rows of every import kept in the database, by outcome (for /metrics). */
export async function importRowTotals(db: Db): Promise<{ read: number; created: number; skipped: number }> {
  const row = await db
    .selectFrom('ImportJob')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('rowsRead'), eb.lit(0)).as('read'),
      eb.fn.coalesce(eb.fn.sum<number>('rowsCreated'), eb.lit(0)).as('created'),
      eb.fn.coalesce(eb.fn.sum<number>('rowsSkipped'), eb.lit(0)).as('skipped'),
    ])
    .executeTakeFirstOrThrow();
  return { read: Number(row.read), created: Number(row.created), skipped: Number(row.skipped) };
}
