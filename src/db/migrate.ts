import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project-root.js';
import type Database from 'better-sqlite3';

export const MIGRATIONS_DIR = path.join(projectRoot(), 'prisma', 'migrations');

/**
 * Applies the committed Prisma migrations that a database lacks, in order, each in its own
 * transaction, and records them in `_prisma_migrations` exactly as `prisma migrate deploy` does
 * (so either tool can take over). Done in-process because starting Prisma's CLI costs over a
 * second at every start. Refuses to run when an applied migration's file was edited since.
 */
export function applyMigrations(db: Database.Database, dir = MIGRATIONS_DIR): { applied: string[] } {
  db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
  )`);
  const done = new Map<string, AppliedMigration>();
  const rows = db.prepare('SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL').all() as {
    migration_name: string;
    checksum: string;
    finished_at: string | null;
  }[];
  for (const row of rows) done.set(row.migration_name, row);

  const applied: string[] = [];
  for (const { name, sql, checksum } of pendingMigrations(dir, done)) {
    const startedAt = new Date().toISOString();
    // Prisma redefines a table to change it (create new, copy, DROP old, rename). Inside a
    // transaction its `PRAGMA foreign_keys=OFF` is ignored, and dropping the old table would then
    // cascade-delete every row that references it (roles, licenses). So foreign keys are off for the
    // migration and checked before it commits, as `prisma migrate deploy` does.
    const foreignKeys = db.pragma('foreign_keys', { simple: true });
    db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`Migration ${name} leaves ${broken.length} rows pointing at rows that do not exist; nothing was changed.`);
        db.prepare('INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)').run(
          randomUUID(),
          checksum,
          new Date().toISOString(),
          name,
          startedAt,
        );
      })();
    } finally {
      db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
    applied.push(name);
  }
  return { applied };
}

/** A migration as committed: its folder's name, its SQL and that SQL's SHA-256 (what `_prisma_migrations` records). */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** What `_prisma_migrations` says of an applied migration. */
export interface AppliedMigration {
  checksum: string;
  finished_at: unknown;
}

/**
 * The migrations of `dir` a database still lacks, in order, given those it recorded as applied
 * (by name). Refuses a database whose applied migration was edited since, or never finished.
 */
export function pendingMigrations(dir: string, done: ReadonlyMap<string, AppliedMigration>): MigrationFile[] {
  const pending: MigrationFile[] = [];
  for (const name of migrationNames(dir)) {
    const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const previous = done.get(name);
    if (previous) {
      if (!previous.finished_at) throw new Error(`Migration ${name} was started but never finished; restore the database from a backup.`);
      if (previous.checksum !== checksum) throw new Error(`Migration ${name} was edited after it was applied; committed migrations must not change.`);
      continue;
    }
    pending.push({ name, sql, checksum });
  }
  return pending;
}

function migrationNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}
