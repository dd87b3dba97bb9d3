import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import { EachParameters, type AdapterWithDialect, type StoreDialect } from './dialect.js';
import { UniqueViolation, uniqueConstraintOn } from './errors.js';

/** How many distinct SQL texts keep their prepared statement (a query's text depends on its shape, not its values). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely over one better-sqlite3 connection, for what differs from Kysely's own SqliteDialect:
 * - statements are prepared once per SQL text and reused (Kysely's driver prepares on every call,
 *   which costs more than running a small query);
 * - transactions start with BEGIN IMMEDIATE, so a transaction that reads then writes takes the write
 *   lock at once and another process (the CLI during an import) waits on the busy timeout instead of
 *   failing with SQLITE_BUSY on the upgrade;
 * - a broken unique index comes out as the store's `UniqueViolation` naming the domain's rule
 *   (errors.ts), the one place that reads SQLite's error codes and messages.
 * Queries on the one connection are serialized by a queue, as SQLite allows one at a time; a
 * transaction holds the connection until it ends, so keep anything but queries out of it.
 * This is the only SQLite-specific piece of the data layer; `postgres-driver.ts` is its PostgreSQL
 * counterpart (both implement dialect.ts).
 */
export class RosterSqliteDialect implements Dialect {
  constructor(private readonly sqlite: BetterSqlite3.Database) {}
  createDriver(): Driver {
    return new CachingSqliteDriver(this.sqlite);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new RosterSqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

/** What the store asks of SQLite (dialect.ts). */
const SQLITE: StoreDialect = {
  kind: 'sqlite',
  // Every transaction starts BEGIN IMMEDIATE (below), which takes the database's one write lock
  // before its first read: the organization is already serialized, and every other one with it.
  async lockOrganization(tx) {
    if (!tx.isTransaction) throw new Error('lockOrganization runs inside a transaction');
  },
  holdsOrganizationLock: async (tx) => tx.isTransaction,
  // The one write lock again: no other transaction can decide on a domain meanwhile.
  async lockDomainName() {},
  forUpdate: (query) => query,
  skipLocked: (query) => query,
  // One writer at a time: a row is visible in the order of its number.
  inNumberOrder: (db, write) => write(db),
  // The instances of a database file run in one process (the app's; a command line runs no
  // sweeps), on one Kysely: the names running are kept with it.
  async alone(db, name, work) {
    const running = (db.getExecutor().adapter as RosterSqliteAdapter).runningAlone;
    if (running.has(name)) return { ran: false };
    running.add(name);
    try {
      return { ran: true, value: await work() };
    } finally {
      running.delete(name);
    }
  },
};

class RosterSqliteAdapter extends SqliteAdapter implements AdapterWithDialect {
  readonly storeDialect = SQLITE;
  /** Work running under `alone` on this database now, by name. */
  readonly runningAlone = new Set<string>();
}

class CachingSqliteDriver implements Driver {
  private readonly queue = new ConnectionQueue();
  private readonly connection: CachingSqliteConnection;

  constructor(sqlite: BetterSqlite3.Database) {
    this.connection = new CachingSqliteConnection(sqlite);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.queue.lock();
    return this.connection;
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection(): Promise<void> {
    this.queue.unlock();
  }
  async destroy(): Promise<void> {
    // The connection belongs to whoever opened it (src/db/open-database.ts), who closes it.
  }
}

class CachingSqliteConnection implements DatabaseConnection {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly sqlite: BetterSqlite3.Database) {}

  private prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      // Most recently used last, so the oldest is evicted first.
      this.statements.delete(sql);
    } else {
      statement = this.sqlite.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const statement = this.prepare(compiled.sql);
      const parameters = compiled.parameters as unknown[];
      const each = parameters[0];
      if (each instanceof EachParameters) {
        // One prepared statement run once per row (database.ts runEach): no statement per batch size.
        const changes = each.lists.map((list) => statement.run(list).changes);
        return { numAffectedRows: BigInt(changes.reduce((a, b) => a + b, 0)), rows: changes.map((n) => ({ changes: n }) as R) };
      }
      if (statement.reader) return { rows: statement.all(parameters) as R[] };
      const { changes } = statement.run(parameters);
      return { numAffectedRows: BigInt(changes), rows: [] };
    } catch (error) {
      throw storeError(error);
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query)) throw new Error('Only SELECT queries can be streamed.');
    for (const row of this.prepare(compiled.sql).iterate(compiled.parameters as unknown[])) yield { rows: [row as R] };
  }
}

/**
 * A driver error as the store's own when it is one the core acts on: SQLite reports a broken
 * unique index as `SQLITE_CONSTRAINT_UNIQUE`, "UNIQUE constraint failed: Table.column, Table.column"
 * (or "… failed: index 'name'" for an index on an expression). Anything else comes out as it was.
 */
function storeError(error: unknown): unknown {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') return error;
  const where = error.message.replace(/^UNIQUE constraint failed:\s*/, '');
  const columns = where.split(',').map((part) => part.trim().split('.'));
  const table = columns[0]?.length === 2 ? (columns[0][0] as string) : '';
  const violation = new UniqueViolation(
    uniqueConstraintOn(
      table,
      columns.map((part) => part.at(-1) as string),
    ),
    where,
  );
  violation.cause = error;
  return violation;
}

/** One connection, one query at a time: callers wait their turn in order. */
class ConnectionQueue {
  private held: Promise<void> | null = null;
  private release: (() => void) | null = null;

  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
  }
  unlock(): void {
    const release = this.release;
    this.held = null;
    this.release = null;
    release?.();
  }
}
