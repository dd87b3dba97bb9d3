import type { Db } from './database.js';
import { toDbDate } from './values.js';

/** All SQL about delivery keys already handled (Slack retries, one upload arriving as two events). */

/** Records a key; true only for the first caller. Atomic: the key is the primary key. */
export async function claimKey(db: Db, key: string, at: Date): Promise<boolean> {
  const inserted = await db
    .insertInto('ProcessedEvent')
    .values({ key, createdAt: toDbDate(at) })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function forgetKeysBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('ProcessedEvent').where('createdAt', '<', toDbDate(before)).execute();
}
