import type { Db } from './database.js';
import { dialectOf } from './dialect.js';
import { fromDbDate, toDbDate } from './values.js';

/** All SQL about the change feed (every stored change, in order) and who watches their App Home. */

export interface ChangeEventRecord {
  seq: number;
  tenantId: string;
  teamId: string;
  what: string;
  bySlackMember: string | null;
  origin: string;
  createdAt: Date;
}

/**
 * Records a change. Rows become visible in the order of their `seq` (the dialect's `inNumberOrder`:
 * on PostgreSQL, where a seq is taken at INSERT and the row appears at COMMIT, each insert holds
 * the feed's lock from its seq to its COMMIT), so a follower that has read up to a seq has seen
 * every row before it, and will see every row after it. Recorded after the change's own
 * transaction, in one of its own: inside a longer one the lock would hold every other writer of the
 * feed until that one ends.
 */
export async function insertChangeEvent(
  db: Db,
  change: { tenantId: string; teamId: string; what: string; bySlackMember: string | null; origin: string },
  at: Date,
): Promise<void> {
  await dialectOf(db).inNumberOrder(db, (tx) =>
    tx
      .insertInto('ChangeEvent')
      .values({ ...change, createdAt: toDbDate(at) })
      .execute(),
  );
}

/** The feed after `seq`, oldest first (every row after `seq` that will ever be visible is visible in order: see insertChangeEvent). */
export async function changeEventsAfter(db: Db, seq: number, limit: number): Promise<ChangeEventRecord[]> {
  const rows = await db.selectFrom('ChangeEvent').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
  return rows.map((row) => ({ ...row, createdAt: fromDbDate(row.createdAt) }));
}

/** The feed's last position (0 when empty): a follower starts there. */
export async function lastChangeSeq(db: Db): Promise<number> {
  const row = await db
    .selectFrom('ChangeEvent')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return row?.seq ?? 0;
}

export async function deleteChangeEventsBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('ChangeEvent').where('createdAt', '<', toDbDate(before)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A member opened their App Home now. */
export async function watchHome(db: Db, teamId: string, slackUserId: string, at: Date): Promise<void> {
  const stamp = toDbDate(at);
  await db
    .insertInto('HomeWatch')
    .values({ teamId, slackUserId, openedAt: stamp })
    .onConflict((conflict) => conflict.columns(['teamId', 'slackUserId']).doUpdateSet({ openedAt: stamp }))
    .execute();
}

/** The members of a workspace who opened their App Home since `since`. */
export async function homeWatchers(db: Db, teamId: string, since: Date): Promise<string[]> {
  const rows = await db.selectFrom('HomeWatch').select('slackUserId').where('teamId', '=', teamId).where('openedAt', '>=', toDbDate(since)).execute();
  return rows.map((row) => row.slackUserId);
}

export async function forgetHomeWatchesBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('HomeWatch').where('openedAt', '<', toDbDate(before)).execute();
}

/** Forgets every App Home watch of a workspace (Roster was removed from it): no refresh follows its changes. */
export async function forgetHomeWatchesOfTeam(db: Db, teamId: string): Promise<void> {
  await db.deleteFrom('HomeWatch').where('teamId', '=', teamId).execute();
}
