import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db } from './database.js';
import { dialectOf } from './dialect.js';
import { fromDbDate, toDbDate } from './values.js';

/** Rows read from the source and written to the target at a time: one multi-row INSERT (fewer for a wide table: PostgreSQL takes at most 65,535 parameters). */
const ROWS_PER_BATCH = 500;
const MAX_PARAMETERS = 65_535;

/** The migrators' own tables: each database keeps its own record of the migrations it applied. */
const MIGRATION_TABLES = new Set(['_prisma_migrations']);

export interface TableCopy {
  table: string;
  /** Rows in the source. */
  source: number;
  /** Rows in the target after the copy. */
  target: number;
}

/** Why a copy cannot start: the sentence says what to do. */
export class CopyRefused extends Error {}

interface TargetColumn {
  table: string;
  column: string;
  type: string;
  serial: boolean;
}

/**
 * Copies every row of a SQLite database into an empty, migrated PostgreSQL database, keeping ids,
 * sealed blobs (bytea) and timestamps as they are. Tables go in the order of their foreign keys;
 * all of it in ONE transaction on the target: the target is empty, so a failure (a row PostgreSQL
 * refuses, a lost connection) leaves it empty again and the command can simply be run again, where
 * a commit per table would leave a half-copied database that the next run refuses as not empty.
 * The source is read inside one read transaction (SQLite's WAL gives it a consistent snapshot).
 * Each serial column (the change feed's seq) is set past the largest value copied.
 */
export async function copyRows(
  sqlite: BetterSqlite3.Database,
  target: Db,
  progress: (table: string, copied: number, of: number) => void,
): Promise<TableCopy[]> {
  if (dialectOf(target).kind !== 'postgres') throw new Error('copy-database copies a SQLite database into a PostgreSQL one');
  const columns = await targetColumns(target);
  const tables = await tablesInForeignKeyOrder(target, [...new Set(columns.map((c) => c.table))]);
  const selfReferences = await selfReferencingColumns(target);
  const sourceTables = new Set((sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name));
  for (const table of tables) {
    if (!sourceTables.has(table))
      throw new CopyRefused(`the source has no table "${table}": run \`roster migrate\` on the source first (its Roster is older than this one)`);
    const have = new Set((sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((row) => row.name));
    const lacking = columns.filter((c) => c.table === table && !have.has(c.column)).map((c) => c.column);
    if (lacking.length) throw new CopyRefused(`the source's table "${table}" has no column ${lacking.join(', ')}: run \`roster migrate\` on the source first`);
  }
  await refuseUnlessEmpty(target, tables);

  const copies: TableCopy[] = [];
  sqlite.prepare('BEGIN').run();
  try {
    await target.transaction().execute(async (tx) => {
      for (const table of tables) {
        const own = columns.filter((c) => c.table === table);
        const names = own.map((c) => `"${c.column}"`).join(', ');
        const total = (sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
        // One SELECT, read a batch at a time (some tables have no rowid to page by): the source's
        // connection does nothing else until the table is done.
        const reader = sqlite.prepare(`SELECT ${names} FROM "${table}"`).iterate() as IterableIterator<Record<string, unknown>>;
        let copied = 0;
        progress(table, 0, total);
        const size = Math.min(ROWS_PER_BATCH, Math.floor(MAX_PARAMETERS / own.length));
        // A column referencing its own table (a user's manager) is written once every row is in:
        // the row it names may come in a later batch.
        const later = selfReferences.filter((r) => r.table === table).map((r) => r.column);
        try {
          for (let batch = nextBatch(reader, size); batch.length > 0; batch = nextBatch(reader, size)) {
            const values = batch.map((row) =>
              Object.fromEntries(own.map((c) => [c.column, later.includes(c.column) ? null : asTargetValue(row[c.column], c.type)])),
            );
            await (tx as unknown as Db)
              .insertInto(table as never)
              .values(values as never)
              .execute();
            copied += batch.length;
            progress(table, copied, total);
          }
        } finally {
          // A failed INSERT leaves the SELECT open: closed, so the source's COMMIT below is not refused as busy (hiding the error).
          reader.return?.();
        }
        for (const column of later) await copySelfReference(sqlite, tx as unknown as Db, table, column);
        for (const serial of own.filter((c) => c.serial)) {
          // setval(…, max, true): the next value is max + 1; an empty table starts at 1.
          await sql`SELECT setval(pg_get_serial_sequence(${`"${table}"`}, ${serial.column}), coalesce((SELECT max(${sql.ref(serial.column)}) FROM ${sql.table(table)}), 1), (SELECT count(*) > 0 FROM ${sql.table(table)}))`.execute(
            tx,
          );
        }
        copies.push({ table, source: total, target: 0 });
      }
    });
  } finally {
    sqlite.prepare('COMMIT').run();
  }
  for (const copy of copies) copy.target = await countRows(target, copy.table);
  return copies;
}

/** Columns whose foreign key references their own table, from the target's catalog. */
async function selfReferencingColumns(db: Db): Promise<{ table: string; column: string }[]> {
  const { rows } = await sql<{ table: string; column: string }>`
    SELECT c.relname AS "table", a.attname AS "column"
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
    WHERE k.contype = 'f' AND k.conrelid = k.confrelid AND k.connamespace = current_schema()::regnamespace`.execute(db);
  return rows;
}

/** A self-referencing column's values, set on the rows copied (by their "id"), a batch at a time. */
async function copySelfReference(sqlite: BetterSqlite3.Database, tx: Db, table: string, column: string): Promise<void> {
  const reader = sqlite.prepare(`SELECT "id" AS id, "${column}" AS value FROM "${table}" WHERE "${column}" IS NOT NULL`).iterate() as IterableIterator<
    Record<string, unknown>
  >;
  try {
    for (let batch = nextBatch(reader, ROWS_PER_BATCH); batch.length > 0; batch = nextBatch(reader, ROWS_PER_BATCH)) {
      const ids = batch.map((row) => String(row.id));
      const values = batch.map((row) => String(row.value));
      await sql`UPDATE ${sql.table(table)} AS t SET ${sql.ref(column)} = v.value FROM unnest(${ids}::text[], ${values}::text[]) AS v(id, value) WHERE t."id" = v.id`.execute(
        tx,
      );
    }
  } finally {
    reader.return?.();
  }
}

function nextBatch(reader: IterableIterator<Record<string, unknown>>, size: number): Record<string, unknown>[] {
  const batch: Record<string, unknown>[] = [];
  while (batch.length < size) {
    const next = reader.next();
    if (next.done) break;
    batch.push(next.value);
  }
  return batch;
}

/**
 * A source value as the target's column takes it. Booleans (0/1) and ISO-8601 text go in as they
 * are (PostgreSQL reads them as the column's type), blobs as bytea; only a timestamp SQLite's
 * CURRENT_TIMESTAMP default wrote ("2026-01-02 03:04:05", UTC without a zone) is given its zone, or
 * PostgreSQL would read it in the session's time zone.
 */
function asTargetValue(value: unknown, type: string): unknown {
  if (typeof value === 'string' && type.startsWith('timestamp') && !value.includes('T')) return toDbDate(fromDbDate(value));
  return value;
}

async function targetColumns(db: Db): Promise<TargetColumn[]> {
  const { rows } = await sql<{ table: string; column: string; type: string; serial: boolean }>`
    SELECT table_name AS "table", column_name AS "column", data_type AS "type", coalesce(column_default LIKE 'nextval(%', false) AS "serial"
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = current_schema())
    ORDER BY table_name, ordinal_position`.execute(db);
  return rows.filter((row) => !MIGRATION_TABLES.has(row.table)).map((row) => ({ ...row, serial: Boolean(row.serial) }));
}

/** The tables with those they reference first (foreign keys read from the target's catalog). */
async function tablesInForeignKeyOrder(db: Db, tables: string[]): Promise<string[]> {
  const { rows } = await sql<{ child: string; parent: string }>`
    SELECT c.relname AS "child", p.relname AS "parent"
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
    WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`.execute(db);
  const ordered: string[] = [];
  const visit = (table: string, path: string[]) => {
    if (ordered.includes(table)) return;
    if (path.includes(table)) throw new Error(`the foreign keys of ${path.join(' → ')} form a cycle`);
    for (const row of rows) if (row.child === table && row.parent !== table) visit(row.parent, [...path, table]);
    ordered.push(table);
  };
  for (const table of [...tables].sort()) visit(table, []);
  return ordered;
}

async function countRows(db: Db, table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}

/** The target must be empty: a copy into a database in use would mix two directories. */
async function refuseUnlessEmpty(db: Db, tables: string[]): Promise<void> {
  const organizations = await countRows(db, 'Tenant');
  if (organizations > 0)
    throw new CopyRefused(
      `the target already holds ${organizations} organization${organizations === 1 ? '' : 's'}: copy into an empty database (CREATE DATABASE roster_new, or DROP SCHEMA public CASCADE; CREATE SCHEMA public on one you mean to replace) and run copy-database again`,
    );
  for (const table of tables) {
    const rows = await countRows(db, table);
    if (rows > 0)
      throw new CopyRefused(
        `the target's table "${table}" already holds ${rows} row${rows === 1 ? '' : 's'}: copy into an empty database (CREATE DATABASE roster_new) and run copy-database again`,
      );
  }
}

/**
 * A Roster app at work on the source: a job leased to a runner whose lease has not expired, or an
 * import whose process gave a sign of life in the last 2 minutes. (An idle app holds no lease: the
 * docs say to stop the app first.)
 */
export function liveWorkOnSource(sqlite: BetterSqlite3.Database, now: Date): string | null {
  const stamp = toDbDate(now);
  const job = sqlite
    .prepare(`SELECT "leaseOwner" AS owner FROM "Job" WHERE "status" = 'running' AND "leaseOwner" IS NOT NULL AND "leaseExpiresAt" > ? LIMIT 1`)
    .get(stamp) as { owner: string } | undefined;
  if (job) return `a job is running there now (leased by ${job.owner})`;
  const recent = toDbDate(new Date(now.getTime() - 2 * 60_000));
  const importing = sqlite.prepare(`SELECT "ownerId" AS owner FROM "ImportJob" WHERE "status" = 'running' AND "heartbeatAt" > ? LIMIT 1`).get(recent) as
    | { owner: string }
    | undefined;
  if (importing) return `an import is running there now (in ${importing.owner})`;
  return null;
}
