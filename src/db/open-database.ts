import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { kyselyOver, type Db } from '../store/database.js';
import { sqlitePathFromUrl } from './database-url.js';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, BackgroundCheckpoints } from './background-checkpoints.js';
import { applyMigrations } from './migrate.js';

export interface OpenDatabase {
  /** The typed data layer (src/store/ modules take this). */
  db: Db;
  /** The absolute path of the database file (or `:memory:`). */
  file: string;
  /** The raw connection, for the health check and the migrator only. */
  sqlite: Database.Database;
  /** The checkpoint worker, when opened with `backgroundCheckpoints`. */
  checkpoints: BackgroundCheckpoints | null;
  /** For `CoreContext.settleWrites`: waits for the checkpoint worker when the WAL is long; else at once. */
  settleWrites(): Promise<void>;
  close(): Promise<void>;
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating it if needed) the SQLite database at `url` and applies pending migrations. The
 * folder is made 0700 and the database and its -wal/-shm files 0600: they hold personal data and
 * password hashes (SQLite gives the -wal and -shm files the database file's mode). WAL lets readers
 * go on while an import writes.
 */
export async function openDatabase(
  url: string,
  options: { migrate?: boolean; busyTimeoutMs?: number; backgroundCheckpoints?: boolean } = {},
): Promise<OpenDatabase> {
  const file = sqlitePathFromUrl(url);
  if (file !== ':memory:') createPrivately(file);
  const sqlite = new Database(file, { timeout: options.busyTimeoutMs ?? BUSY_TIMEOUT_MS });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  if (file !== ':memory:') for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
  if (options.migrate !== false) applyMigrations(sqlite);
  // A long-running process (the app, a CLI import) checkpoints in a worker thread, not in its COMMITs.
  const checkpoints = options.backgroundCheckpoints && file !== ':memory:' ? BackgroundCheckpoints.start(file) : null;
  if (checkpoints) sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  const db = kyselyOver(sqlite);
  return {
    db,
    file,
    sqlite,
    checkpoints,
    settleWrites: async () => checkpoints?.catchUp(),
    async close() {
      await checkpoints?.stop();
      await db.destroy();
      sqlite.close();
    },
  };
}

function createPrivately(file: string): void {
  const dir = path.dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  // A database made by an older Roster (0644) is tightened too.
  chmodSync(file, 0o600);
}
