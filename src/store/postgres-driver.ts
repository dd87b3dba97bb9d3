import { createHash } from 'node:crypto';
import type pg from 'pg';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import { EachParameters, type AdapterWithDialect, type StoreDialect } from './dialect.js';
import { UniqueViolation, uniqueConstraintOn } from './errors.js';
import { toDbDate } from './values.js';

/**
 * Kysely over a `pg` pool: the PostgreSQL counterpart of sqlite-driver.ts, and the only
 * PostgreSQL-specific piece of the data layer (with the migrations in prisma/postgres/).
 * - Values come back as the store reads them on SQLite (values.ts): the columns are native
 *   (boolean, timestamptz(3), integer), and this pool's type parsers turn a boolean into 0/1, a
 *   timestamptz into ISO-8601 text with an explicit offset, and a bigint (count, sum) into a number.
 *   Going in, PostgreSQL reads the store's 0/1 and ISO text as the column's type.
 * - Transactions start READ COMMITTED, whatever the server's default; `lockOrganization` takes a
 *   transaction-scoped advisory lock on the organization.
 * - `runEach` (an INSERT of one row's values, run for many rows) is, inside a transaction, one
 *   multi-row INSERT per 500 rows: a round trip per row would be most of an import's time. Each
 *   row's changed count is kept: 1 for every row of a plain INSERT (which fails whole or not at
 *   all), and for an ON CONFLICT DO NOTHING that skipped any row of a chunk, that chunk is undone
 *   (a savepoint) and run again a row at a time. Outside a transaction, or for any other
 *   statement, it runs once per row as a named prepared statement (parsed once per connection).
 * - A broken unique index (23505) comes out as the store's `UniqueViolation` naming the domain's rule.
 */
export class RosterPostgresDialect implements Dialect {
  constructor(private readonly pool: pg.Pool) {}
  createDriver(): Driver {
    return new PoolDriver(this.pool);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createAdapter() {
    return new RosterPostgresAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

/** The advisory lock class of an organization's lock (the second key is the hash of its id): "Rost". */
const ORGANIZATION_LOCK = 0x526f7374;
/** The advisory lock class of a domain name's lock (the second key is the hash of the name): "Rosd". */
const DOMAIN_NAME_LOCK = 0x526f7364;
/** The advisory lock class of rows numbered in visibility order (the change feed; the second key is the schema's hash): "Rosf". */
const NUMBER_ORDER_LOCK = 0x526f7366;
/** The advisory lock class of work that runs on one instance at a time (the second key hashes the schema and the work's name): "Rosa". */
const ALONE_LOCK = 0x526f7361;

/** What the store asks of PostgreSQL (dialect.ts). */
const POSTGRES: StoreDialect = {
  kind: 'postgres',
  async lockOrganization(tx, tenantId) {
    // Taken once a transaction: the use case's own call under changeDirectory's, or reauthorize's,
    // costs no second round trip (the connection knows what it holds, savepoints included).
    if (await onConnection(tx, (connection) => connection.holdsOrganizationLock(tenantId))) return;
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(ORGANIZATION_LOCK)}, hashtext(${tenantId}))`.execute(tx);
    await onConnection(tx, (connection) => connection.tookOrganizationLock(tenantId));
  },
  holdsOrganizationLock: (tx, tenantId) => onConnection(tx, (connection) => connection.holdsOrganizationLock(tenantId)),
  async lockDomainName(tx, name) {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(DOMAIN_NAME_LOCK)}, hashtext(${name.toLowerCase()}))`.execute(tx);
  },
  forUpdate: (query) => query.forUpdate(),
  skipLocked: (query) => query.forUpdate().skipLocked(),
  async inNumberOrder(db, write) {
    const ordered = async (tx: typeof db) => {
      // One lock per schema (the instances of one Roster share theirs), held until the COMMIT.
      await sql`SELECT pg_advisory_xact_lock(${sql.lit(NUMBER_ORDER_LOCK)}, hashtext(current_schema()))`.execute(tx);
      return write(tx);
    };
    return db.isTransaction ? ordered(db) : db.transaction().execute(ordered);
  },
  alone(db, name, work) {
    return db.connection().execute(async (connection) => {
      const key = sql`hashtext(current_schema() || ':' || ${name})`;
      const { rows } = await sql<{ taken: number }>`SELECT pg_try_advisory_lock(${sql.lit(ALONE_LOCK)}, ${key}) AS taken`.execute(connection);
      if (!rows[0]?.taken) return { ran: false as const };
      try {
        return { ran: true as const, value: await work() };
      } finally {
        await sql`SELECT pg_advisory_unlock(${sql.lit(ALONE_LOCK)}, ${key})`.execute(connection);
      }
    });
  },
};

/** The pooled connection a transaction runs on (a Kysely transaction provides always the same one). */
function onConnection<T>(tx: Parameters<StoreDialect['lockOrganization']>[0], use: (connection: PoolConnection) => T): Promise<T> {
  return tx.getExecutor().provideConnection(async (connection) => use(connection as PoolConnection));
}

class RosterPostgresAdapter extends PostgresAdapter implements AdapterWithDialect {
  readonly storeDialect = POSTGRES;
}

/**
 * The type parsers of Roster's pools, over `pg`'s own (passed in, so that a SQLite run never loads
 * `pg`): a value reads back as it does from SQLite (see the class comment).
 */
export function storeTypes(types: typeof pg.types): pg.CustomTypesConfig {
  const { builtins } = types;
  const parseTimestamptz = types.getTypeParser(builtins.TIMESTAMPTZ);
  const parse = (oid: number): ((text: string) => unknown) | null => {
    switch (oid) {
      case builtins.BOOL:
        return (text) => (text === 't' ? 1 : 0);
      case builtins.TIMESTAMPTZ:
        return (text) => toDbDate(parseTimestamptz(text) as Date);
      case builtins.INT8:
      case builtins.NUMERIC:
        return (text) => Number(text);
      default:
        return null;
    }
  };
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      (format !== 'binary' && parse(oid)) || types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
  };
}

class PoolDriver implements Driver {
  constructor(private readonly pool: pg.Pool) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new PoolConnection(await this.pool.connect());
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN ISOLATION LEVEL READ COMMITTED'));
    (connection as PoolConnection).began();
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const result = await connection.executeQuery<{ command: string }>(CompiledQuery.raw('COMMIT'));
    // PostgreSQL answers COMMIT with ROLLBACK when an error earlier had ended the transaction.
    if (result.rows[0]?.command === 'ROLLBACK') throw new Error('the transaction was rolled back: a statement in it had failed');
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
    } catch (error) {
      (connection as PoolConnection).broken = true;
      throw error;
    }
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const { client, broken } = connection as PoolConnection;
    // A connection whose ROLLBACK failed is closed, never handed to the next caller mid-transaction.
    client.release(broken ? new Error('the connection failed to roll back') : undefined);
  }
  async destroy(): Promise<void> {
    // The pool belongs to whoever opened it (src/db/postgres/open-postgres.ts), who ends it.
  }
}

/** One row's INSERT as Kysely's PostgreSQL compiler writes it: `insert into "T" ("a", "b") values ($1, $2)`, maybe `on conflict do nothing`. */
const ONE_ROW_INSERT = /^(insert into "\w+" \([^)]*\) values )\((\$\d+(?:, \$\d+)*)\)( on conflict do nothing)?$/;
/** Rows per multi-row INSERT (and never more than PostgreSQL's 65,535 parameters). */
const ROWS_PER_INSERT = 500;

class PoolConnection implements DatabaseConnection {
  broken = false;
  /** Between BEGIN and the end of the transaction this connection was acquired for. */
  inTransaction = false;
  /** Savepoints open now (inSavepoint's, database.ts). */
  private savepoints = 0;
  /**
   * The organizations whose advisory lock this transaction holds, each with the savepoint depth it
   * was taken at: PostgreSQL releases a lock taken after a savepoint when that savepoint is rolled
   * back to, so the lock is forgotten with it; a RELEASE hands it to the enclosing level.
   */
  private readonly organizationLocks = new Map<string, number>();
  constructor(readonly client: pg.PoolClient) {}

  began(): void {
    this.inTransaction = true;
    this.savepoints = 0;
    this.organizationLocks.clear();
  }

  tookOrganizationLock(tenantId: string): void {
    if (!this.organizationLocks.has(tenantId)) this.organizationLocks.set(tenantId, this.savepoints);
  }

  holdsOrganizationLock(tenantId: string): boolean {
    return this.inTransaction && this.organizationLocks.has(tenantId);
  }

  /** Follows the savepoints the store opens, releases and rolls back to (by their SQL), for the locks above. */
  private followSavepoints(text: string): void {
    if (/^SAVEPOINT /i.test(text)) this.savepoints++;
    else if (/^ROLLBACK TO /i.test(text)) {
      for (const [tenantId, depth] of this.organizationLocks) if (depth >= this.savepoints) this.organizationLocks.delete(tenantId);
    } else if (/^RELEASE /i.test(text)) {
      for (const [tenantId, depth] of this.organizationLocks) if (depth >= this.savepoints) this.organizationLocks.set(tenantId, this.savepoints - 1);
      this.savepoints = Math.max(0, this.savepoints - 1);
    } else if (/^(COMMIT|ROLLBACK)$/i.test(text)) {
      this.inTransaction = false;
      this.organizationLocks.clear();
    }
  }

  /** `runEach`'s rows: each row's changed count, in order (see the class comment of RosterPostgresDialect). */
  private async runEach(text: string, lists: readonly (readonly unknown[])[]): Promise<number[]> {
    const insert = ONE_ROW_INSERT.exec(text);
    const width = insert?.[2]?.split(', ').length ?? 0;
    const ordered = insert?.[2] === Array.from({ length: width }, (_, i) => `$${i + 1}`).join(', ');
    const name = statementName(text);
    const oneByOne = async (rows: readonly (readonly unknown[])[]) => {
      const changes: number[] = [];
      for (const values of rows) changes.push((await this.client.query({ name, text, values: [...values] })).rowCount ?? 0);
      return changes;
    };
    if (!insert || !ordered || !this.inTransaction) return oneByOne(lists);
    const [, head, , doNothing] = insert;
    const per = Math.min(ROWS_PER_INSERT, Math.floor(65_535 / width));
    const changes: number[] = [];
    for (let start = 0; start < lists.length; start += per) {
      const chunk = lists.slice(start, start + per);
      const tuples = chunk.map((_, row) => `(${Array.from({ length: width }, (_, column) => `$${row * width + column + 1}`).join(', ')})`);
      const query = { text: `${head}${tuples.join(', ')}${doNothing ?? ''}`, values: chunk.flat() };
      if (!doNothing) {
        await this.client.query(query);
        changes.push(...chunk.map(() => 1));
        continue;
      }
      await this.client.query('SAVEPOINT roster_each');
      const { rowCount } = await this.client.query(query);
      if (rowCount === chunk.length) changes.push(...chunk.map(() => 1));
      else {
        await this.client.query('ROLLBACK TO roster_each');
        changes.push(...(await oneByOne(chunk)));
      }
      await this.client.query('RELEASE roster_each');
    }
    return changes;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const each = compiled.parameters[0];
      if (each instanceof EachParameters) {
        const changes = await this.runEach(compiled.sql, each.lists);
        return { numAffectedRows: BigInt(changes.reduce((a, b) => a + b, 0)), rows: changes.map((n) => ({ changes: n }) as R) };
      }
      const result = await this.client.query<R & object>(compiled.sql, [...compiled.parameters]);
      if (this.inTransaction) this.followSavepoints(compiled.sql);
      if (result.command === 'COMMIT' || result.command === 'ROLLBACK') return { rows: [{ command: result.command } as R] };
      const changed = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(result.command);
      return { rows: result.rows ?? [], ...(changed ? { numAffectedRows: BigInt(result.rowCount ?? 0) } : {}) };
    } catch (error) {
      throw storeError(error);
    }
  }

  // biome-ignore lint/correctness/useYield: the store streams no query; this says so if one ever does.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the PostgreSQL store does not stream queries: read in pages');
  }
}

function statementName(text: string): string {
  return `roster_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
}

/**
 * A driver error as the store's own when it is one the core acts on: PostgreSQL reports a broken
 * unique index as 23505 with the table and, in its detail, `Key ("tenantId", "upnKey")=(…) already
 * exists.` Only the column names are kept: the detail's values (a username) stay out of the error.
 */
function storeError(error: unknown): unknown {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== '23505') return error;
  const { table = '', constraint = '', detail = '' } = error as pg.DatabaseError;
  const columns = (/^Key \((.*?)\)=\(/.exec(detail)?.[1] ?? '').split(', ').map((column) => column.replace(/^"|"$/g, ''));
  const named = columns.filter(Boolean);
  const where = named.length > 0 ? named.map((column) => `${table}.${column}`).join(', ') : `${table} (${constraint})`;
  const violation = new UniqueViolation(uniqueConstraintOn(table, named), where);
  violation.cause = Object.assign(new Error(error.message), { code: '23505', table, constraint });
  return violation;
}
