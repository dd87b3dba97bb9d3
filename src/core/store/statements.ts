import type Database from 'better-sqlite3';

/**
 * Prepared statements, compiled once per connection. Requests read and write through these rather
 * than through Prisma: Prisma 6.19 compiles every query again on every call (~0.7 ms of CPU each,
 * against a few microseconds here), which capped Roster at under 100 Add-user submissions a second.
 * Prisma still owns the schema, the migrations and the generated types, and serves the cold paths.
 */
const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function statement(db: Database.Database, sql: string): Database.Statement {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map()));
  let prepared = statements.get(sql);
  if (!prepared) statements.set(sql, (prepared = db.prepare(sql)));
  return prepared;
}

/** Prisma stores DateTime in SQLite as ISO text with an explicit offset; raw writes match it. */
export function sqliteDate(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

/** Reads a DateTime column written by Prisma or by `sqliteDate`. */
export function fromSqliteDate(value: string | number | null): Date | null {
  if (value === null) return null;
  return new Date(typeof value === 'number' ? value : value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
}
