import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, type Transaction } from 'kysely';
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

const SAVEPOINT = CompiledQuery.raw('SAVEPOINT roster_step');
const RELEASE = CompiledQuery.raw('RELEASE roster_step');
const ROLLBACK_TO = CompiledQuery.raw('ROLLBACK TO roster_step');

/**
 * Runs `work` as one step of the caller's transaction (a SAVEPOINT): when it throws, only what it
 * wrote is undone and the error comes out; the transaction goes on. With `rehearse`, what it wrote
 * is undone even when it succeeds (a dry run). Steps may nest (SQLite acts on the innermost).
 */
export async function inSavepoint<T>(tx: Db, work: () => Promise<T>, options: { rehearse?: boolean } = {}): Promise<T> {
  if (!tx.isTransaction) throw new Error('inSavepoint runs inside a transaction');
  await tx.executeQuery(SAVEPOINT);
  let value: T;
  try {
    value = await work();
  } catch (error) {
    try {
      await tx.executeQuery(ROLLBACK_TO);
      await tx.executeQuery(RELEASE);
    } catch {
      // SQLite ended the whole transaction (a full disk, an I/O error): the caller's rollback
      // follows, and the first error is the one to report.
    }
    throw error;
  }
  if (options.rehearse) await tx.executeQuery(ROLLBACK_TO);
  await tx.executeQuery(RELEASE);
  return value;
}
