import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type pg from 'pg';
import { projectRoot } from '../../project-root.js';
import { type AppliedMigration, pendingMigrations } from '../migrate.js';

/** PostgreSQL's migrations: the same changes as prisma/migrations, in PostgreSQL's SQL (DEVELOPERS.md). */
export const POSTGRES_MIGRATIONS_DIR = path.join(projectRoot(), 'prisma', 'postgres', 'migrations');

/** The advisory lock class of the migrator (the second key is the hash of the schema it migrates): "Rosu". */
const MIGRATION_LOCK = 0x526f7375;

/**
 * Applies the committed PostgreSQL migrations a database lacks, in order, each in its own
 * transaction, recording them in `_prisma_migrations` as `prisma migrate deploy` does (and as the
 * SQLite migrator does, src/db/migrate.ts). Instances that start at once take turns on a session
 * advisory lock: the first applies what is missing, the others then find nothing left to do.
 */
export async function applyPostgresMigrations(pool: pg.Pool, dir = POSTGRES_MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK}, hashtext(current_schema()))`);
    try {
      return await applyLocked(client, dir);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK}, hashtext(current_schema()))`);
    }
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
}

async function applyLocked(client: pg.PoolClient, dir: string): Promise<{ applied: string[] }> {
  await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
  )`);
  const rows = await client.query<{ migration_name: string } & AppliedMigration>(
    'SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL',
  );
  const done = new Map(rows.rows.map((row) => [row.migration_name, row]));
  const applied: string[] = [];
  for (const { name, sql, checksum } of pendingMigrations(dir, done)) {
    const startedAt = new Date();
    await client.query('BEGIN');
    try {
      await client.query(sql);
      await client.query(
        'INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)',
        [randomUUID(), checksum, name, startedAt.toISOString()],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new Error(`Migration ${name} failed and was rolled back: ${(error as Error).message}`);
    }
    applied.push(name);
  }
  return { applied };
}
