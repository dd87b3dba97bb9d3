import type BetterSqlite3 from 'better-sqlite3';
import { type Compilable, CompiledQuery, Kysely, type Transaction } from 'kysely';
import type pg from 'pg';
import type { DB } from '../generated/kysely/database.js';
import { EachParameters } from './dialect.js';
import { RosterPostgresDialect } from './postgres-driver.js';
import { RosterSqliteDialect } from './sqlite-driver.js';

/** The typed database every store module takes: the whole database, or a transaction in it. */
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;

export function kyselyOver(sqlite: BetterSqlite3.Database): Db {
  return new Kysely<DB>({ dialect: new RosterSqliteDialect(sqlite) });
}

/** The store over a PostgreSQL pool made with the store's type parsers (`postgresTypes`). */
export function kyselyOverPostgres(pool: pg.Pool): Db {
  return new Kysely<DB>({ dialect: new RosterPostgresDialect(pool) });
}

export { storeTypes as postgresTypes } from './postgres-driver.js';

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
 * is undone even when it succeeds (a dry run). Steps may nest (both databases act on the innermost
 * savepoint of the name). On PostgreSQL a failed statement ends the transaction but for this: a
 * write that may fail and be carried on from belongs in a step.
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
      // The database ended the whole transaction (a full disk, a lost connection): the caller's
      // rollback follows, and the first error is the one to report.
    }
    throw error;
  }
  if (options.rehearse) await tx.executeQuery(ROLLBACK_TO);
  await tx.executeQuery(RELEASE);
  return value;
}

/**
 * Writes many rows with one statement run once per row: `build` makes the query of one row (an
 * INSERT of its values), compiled once; every other row's values are bound to the same prepared
 * statement (on PostgreSQL a named statement of the connection, one round trip per row). A multi-row INSERT is a new SQL text (and a new prepare) for every row count, binds
 * 30+ values per row and, with RETURNING, collects its rows: per row it cost ~3x this. Every row
 * must have the same keys in the same order (made by one function); the first row's compiled
 * parameters are checked against that. Returns, per row, how many rows its statement changed
 * (0 for an INSERT that ON CONFLICT DO NOTHING skipped).
 */
export async function runEach<T extends Record<string, unknown>>(db: Db, build: (row: T) => Compilable, rows: readonly T[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const first = build(rows[0]!).compile();
  const values = (row: T) => Object.values(row);
  const expected = values(rows[0]!);
  if (first.parameters.length !== expected.length || first.parameters.some((p, i) => p !== expected[i]))
    throw new Error("runEach: the query does not bind the row's values in their order");
  const result = await db.executeQuery<{ changes: number }>(CompiledQuery.raw(first.sql, [new EachParameters(rows.map(values))]));
  return result.rows.map((row) => row.changes);
}
