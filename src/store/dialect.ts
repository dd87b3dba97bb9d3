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
   * A SELECT whose rows stay as read until the transaction ends, for a decision made on them (seats
   * taken by the count): `FOR UPDATE` on PostgreSQL; on SQLite the transaction already holds the
   * database's one write lock, and the query is left as it is.
   */
  forUpdate<Q extends { forUpdate(): Q }>(query: Q): Q;
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
