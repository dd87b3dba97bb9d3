import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Transaction } from 'kysely';
import type { DB } from '../generated/kysely/database.js';
import { RosterSqliteDialect } from './sqlite-driver.js';

/** The typed database every store module takes: the whole database, or a transaction in it. */
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;

export function kyselyOver(sqlite: BetterSqlite3.Database): Db {
  return new Kysely<DB>({ dialect: new RosterSqliteDialect(sqlite) });
}

/**
 * Runs `work` in one transaction: everything it writes is kept together or not at all. Only
 * queries belong inside (no Slack calls, no password hashing): the connection is held until it ends.
 */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}
