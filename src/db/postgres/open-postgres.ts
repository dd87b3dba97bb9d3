import { kyselyOverPostgres, postgresTypes } from '../../store/database.js';
import { describeDatabaseUrl } from '../database-url.js';
import type { OpenDatabase } from '../open-database-types.js';
import { applyPostgresMigrations } from './migrate-postgres.js';

/** How long opening a connection may take before a query (or /healthz) fails rather than waits. */
const CONNECT_TIMEOUT_MS = 5000;
/** Connections per process: transactions in flight at once (the app's requests, jobs, the feed). */
const POOL_SIZE = 10;

/**
 * Opens a pool on the PostgreSQL database at `url` (postgres:// or postgresql://, with `pg`'s
 * parameters: sslmode, options=-c search_path=…) and applies pending migrations. `pg` is loaded
 * here, so that a SQLite run never loads it. `onIdleError` hears of a pooled connection that broke
 * while idle (the server restarted): the pool drops it and the next query connects again.
 */
export async function openPostgres(url: string, options: { migrate?: boolean; onIdleError?: (error: Error) => void } = {}): Promise<OpenDatabase> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    types: postgresTypes(pg.types),
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'roster',
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  let applied: string[] = [];
  try {
    await pool.query('SELECT 1');
    if (options.migrate !== false) ({ applied } = await applyPostgresMigrations(pool));
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`could not open ${describeDatabaseUrl(url)}: ${reason}`, { cause: error });
  }
  const db = kyselyOverPostgres(pool);
  return {
    kind: 'postgres',
    db,
    file: null,
    sqlite: null,
    checkpoints: null,
    folderAccess: null,
    applied,
    settleWrites: async () => undefined,
    async ping() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
      await pool.end();
    },
  };
}
