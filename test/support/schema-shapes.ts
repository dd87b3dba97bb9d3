/**
 * Each database's schema in one comparable shape (test/db/schemas-match.test.ts): tables, their
 * columns (type, nullability, default), primary keys and every other index (unique or not, its
 * columns, its partial condition), with each database's spelling of types, defaults and
 * conditions brought to one.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';

export interface SchemaShape {
  columns: Record<string, { type: string; notNull: boolean; default: string | null }>;
  primaryKeys: Record<string, string[]>;
  indexes: Record<string, { table: string; unique: boolean; columns: string[]; where: string | null }>;
}

const SQLITE_TYPES: Record<string, string> = { TEXT: 'text', INTEGER: 'integer', BOOLEAN: 'boolean', DATETIME: 'timestamp', BLOB: 'bytes' };
const POSTGRES_TYPES: Record<string, string> = {
  text: 'text',
  integer: 'integer',
  boolean: 'boolean',
  'timestamp with time zone': 'timestamp',
  bytea: 'bytes',
};

/** A default as both spell it: `'member'`, `90`, `true`, `current_timestamp`; an autoincrement's none. */
function normalDefault(value: string | null): string | null {
  if (value === null || value.startsWith('nextval(')) return null;
  return value.replace(/::[a-z ]+$/, '').toLowerCase();
}

/** A partial index's condition as both spell it: no quotes, casts or parentheses, booleans as themselves. */
function normalCondition(where: string | null): string | null {
  if (where === null) return null;
  return where
    .replace(/::[a-z ]+/g, '')
    .replace(/["()]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/(\w+) = (0|false)\b/g, 'not $1')
    .replace(/(\w+) = (1|true)\b/g, '$1');
}

const IGNORED = new Set(['_prisma_migrations', 'sqlite_sequence']);

export function sqliteShape(db: Database.Database): SchemaShape {
  const shape: SchemaShape = { columns: {}, primaryKeys: {}, indexes: {} };
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).filter((t) => !IGNORED.has(t.name));
  for (const { name: table } of tables) {
    const columns = db.prepare(`PRAGMA table_info("${table}")`).all() as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    for (const c of columns) {
      shape.columns[`${table}.${c.name}`] = {
        type: SQLITE_TYPES[c.type] ?? c.type,
        notNull: c.notnull === 1 || c.pk > 0,
        default: normalDefault(c.dflt_value),
      };
    }
    shape.primaryKeys[table] = columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const indexes = db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string; unique: number; origin: string; partial: number }[];
    for (const index of indexes.filter((i) => i.origin !== 'pk')) {
      const columnsOf = (db.prepare(`PRAGMA index_info("${index.name}")`).all() as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno);
      const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").get(index.name) as { sql: string | null }).sql ?? '';
      const where = index.partial ? sql.slice(sql.search(/\bWHERE\b/i) + 'WHERE'.length) : null;
      shape.indexes[index.name] = { table, unique: index.unique === 1, columns: columnsOf.map((c) => c.name), where: normalCondition(where) };
    }
  }
  return shape;
}

/** The shape of one schema of a PostgreSQL database, and the collation of each of its text columns. */
export async function postgresShape(client: pg.Client | pg.Pool, schema: string): Promise<SchemaShape & { collations: Record<string, string | null> }> {
  const shape: SchemaShape & { collations: Record<string, string | null> } = { columns: {}, primaryKeys: {}, indexes: {}, collations: {} };
  const columns = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
    collation_name: string | null;
  }>('SELECT table_name, column_name, data_type, is_nullable, column_default, collation_name FROM information_schema.columns WHERE table_schema = $1', [
    schema,
  ]);
  for (const c of columns.rows.filter((c) => !IGNORED.has(c.table_name))) {
    const key = `${c.table_name}.${c.column_name}`;
    shape.columns[key] = { type: POSTGRES_TYPES[c.data_type] ?? c.data_type, notNull: c.is_nullable === 'NO', default: normalDefault(c.column_default) };
    if (c.data_type === 'text') shape.collations[key] = c.collation_name;
  }
  const indexes = await client.query<{ table: string; name: string; primary: boolean; unique: boolean; columns: string[]; where: string | null }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisprimary AS primary, x.indisunique AS unique,
            array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns,
            pg_get_expr(x.indpred, x.indrelid) AS where
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace
      WHERE s.nspname = $1`,
    [schema],
  );
  for (const index of indexes.rows.filter((i) => !IGNORED.has(i.table))) {
    if (index.primary) shape.primaryKeys[index.table] = index.columns;
    else shape.indexes[index.name] = { table: index.table, unique: index.unique, columns: index.columns, where: normalCondition(index.where) };
  }
  for (const table of new Set(columns.rows.map((c) => c.table_name))) if (!IGNORED.has(table)) shape.primaryKeys[table] ??= [];
  return shape;
}
