import type { Kysely } from 'kysely';
import type { DB } from '../generated/kysely/database.js';

/** The store's typed database (database.ts `Db`; named here too so that the drivers need not import database.ts). */
type Db = Kysely<DB>;

/** The databases the store runs on: an embedded SQLite file (the default) or a PostgreSQL server. */
export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * What differs between the databases and cannot be said in Kysely's portable builder, in one
 * interface with one implementation per database: `sqlite-driver.ts` and `postgres-driver.ts`.
 * Store modules call these (through `dialectOf`), never `if (postgres)`. The rest of the
 * differences never reach a store module at all: each driver makes values come back the same
 * (booleans 0/1, dates ISO-8601 text, counts numbers; see values.ts), turns its unique-violation
 * error into `UniqueViolation`, starts transactions its own way and runs `runEach`'s rows; the
 * migrations make text compare and sort the same (byte order, ASCII-only lower()).
 */
export interface StoreDialect {
  readonly kind: DatabaseKind;
  /**
   * Serializes, until the transaction ends, the transactions of one organization that decide on
   * what others may change at the same moment (organization-lock.ts).
   */
  lockOrganization(tx: Db, tenantId: string): Promise<void>;
  /**
   * Whether this transaction holds the organization's lock now (taken by `lockOrganization` and not
   * undone with a savepoint since): the store's seat writes refuse to run without it.
   */
  holdsOrganizationLock(tx: Db, tenantId: string): Promise<boolean>;
  /**
   * Serializes, until the transaction ends and across organizations, the transactions that decide
   * whether a domain name is free (a verified domain belongs to one organization only).
   */
  lockDomainName(tx: Db, name: string): Promise<void>;
  /**
   * A SELECT whose rows stay as read until the transaction ends, for a decision made on them (seats
   * taken by the count): `FOR UPDATE` on PostgreSQL; on SQLite the transaction already holds the
   * database's one write lock, and the query is left as it is.
   */
  forUpdate<Q extends { forUpdate(): Q }>(query: Q): Q;
  /**
   * A SELECT of rows to claim (the next due job) that passes over rows another transaction is
   * claiming at this moment: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so runners of several instances
   * never queue behind each other; on SQLite (one writer) the query as it is. Either way the claim's
   * conditional UPDATE decides.
   */
  skipLocked<Q extends { forUpdate(): Q; skipLocked(): Q }>(query: Q): Q;
  /**
   * Runs `write` (an INSERT that numbers a row from a sequence) so that rows become visible in the
   * order of their numbers (the change feed: change-events.ts). On PostgreSQL a number is taken at
   * INSERT and the row appears at COMMIT, so `write` runs in a transaction that takes a lock of the
   * feed first and holds it to its COMMIT: the next writer takes its number only once this row is
   * visible. On SQLite (one writer) it just runs.
   */
  inNumberOrder<T>(db: Db, write: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Runs `work` unless it runs under the same `name` elsewhere at this moment (another instance on
   * the same database): then resolves `{ ran: false }` at once. On PostgreSQL a session advisory
   * lock on the name, held on a connection of its own for as long as `work` runs (`work` uses
   * others), released when it ends or the process dies; on SQLite the instances of one database
   * file run in one process, and the names running are kept in it.
   */
  alone<T>(db: Db, name: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
}

/** Carried by each driver's Kysely adapter, so any `Db` (a transaction too) finds its dialect. */
export interface AdapterWithDialect {
  readonly storeDialect: StoreDialect;
}

/** The dialect of the database `db` runs on. */
export function dialectOf(db: Db): StoreDialect {
  const adapter = db.getExecutor().adapter as Partial<AdapterWithDialect>;
  if (!adapter.storeDialect) throw new Error('this Kysely instance was not made by the store (kyselyOver, kyselyOverPostgres)');
  return adapter.storeDialect;
}

/**
 * The parameter lists of one statement to run once per list (`runEach` in database.ts): each driver
 * runs it its own way and answers one row `{ changes }` per list, in order.
 */
export class EachParameters {
  constructor(readonly lists: readonly (readonly unknown[])[]) {}
}
