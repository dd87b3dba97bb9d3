import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { kyselyOver } from '../store/database.js';
import type { DatabaseFolderAccess, OpenDatabase } from './open-database-types.js';
import { isPostgresUrl, sqlitePathFromUrl } from './database-url.js';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, BackgroundCheckpoints } from './background-checkpoints.js';
import { applyMigrations } from './migrate.js';
import { openPostgres } from './postgres/open-postgres.js';

export type { DatabaseFolderAccess, OpenDatabase } from './open-database-types.js';

const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the database of a DATABASE_URL and applies pending migrations: PostgreSQL for a
 * `postgres://` or `postgresql://` URL (src/db/postgres/), else the SQLite file of a `file:` URL
 * (or a path). `busyTimeoutMs` and `backgroundCheckpoints` are SQLite's; `onIdleError` PostgreSQL's.
 */
export async function openDatabase(
  url: string,
  options: { migrate?: boolean; busyTimeoutMs?: number; backgroundCheckpoints?: boolean; onIdleError?: (error: Error) => void } = {},
): Promise<OpenDatabase> {
  if (isPostgresUrl(url)) return openPostgres(url, options);
  return openSqlite(url, options);
}

/**
 * Opens (creating it if needed) the SQLite database at `url` and applies pending migrations. The
 * folder is made 0700 and the database and its -wal/-shm files 0600: they hold personal data and
 * password hashes (SQLite gives the -wal and -shm files the database file's mode). WAL lets readers
 * go on while an import writes.
 */
async function openSqlite(url: string, options: { migrate?: boolean; busyTimeoutMs?: number; backgroundCheckpoints?: boolean }): Promise<OpenDatabase> {
  const file = sqlitePathFromUrl(url);
  const folderAccess = file === ':memory:' ? null : createPrivately(file);
  const sqlite = new Database(file, { timeout: options.busyTimeoutMs ?? BUSY_TIMEOUT_MS });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  if (file !== ':memory:') for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
  const { applied } = options.migrate !== false ? applyMigrations(sqlite) : { applied: [] };
  // A long-running process (the app, a CLI import) checkpoints in a worker thread, not in its COMMITs.
  const checkpoints = options.backgroundCheckpoints && file !== ':memory:' ? BackgroundCheckpoints.start(file) : null;
  if (checkpoints) sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  const db = kyselyOver(sqlite);
  return {
    kind: 'sqlite',
    db,
    file,
    sqlite,
    checkpoints,
    folderAccess,
    applied,
    settleWrites: async () => checkpoints?.catchUp(),
    async ping() {
      try {
        sqlite.prepare('SELECT 1').get();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await checkpoints?.stop();
      await db.destroy();
      sqlite.close();
    },
  };
}

function createPrivately(file: string): DatabaseFolderAccess | null {
  const dir = path.dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  // A database made by an older Roster (0644) is tightened too.
  chmodSync(file, 0o600);
  return makeFolderPrivate(dir, path.basename(file));
}

/**
 * An existing folder (a Docker volume is made 0755) is made 0700 when this account owns it and it
 * holds only the database's own files (`roster.db`, `-wal`, `-shm`, `.secret-key`): a folder that
 * holds anything else (a home folder) is someone's choice and is left as it is, reported.
 */
function makeFolderPrivate(folder: string, databaseName: string): DatabaseFolderAccess | null {
  if (process.platform === 'win32') return null;
  const info = statSync(folder);
  const was = info.mode & 0o777;
  if ((was & 0o077) === 0) return null;
  const owned = info.uid === process.getuid?.();
  const onlyTheDatabase = readdirSync(folder).every(
    (name) => name === databaseName || name.startsWith(`${databaseName}-`) || name.startsWith(`${databaseName}.`),
  );
  if (!owned || !onlyTheDatabase) return { folder, was, tightened: false };
  chmodSync(folder, 0o700);
  return { folder, was, tightened: true };
}

/** One line for the log (or the command line's standard error) about the folder's access, or null. */
export function folderAccessNote(access: DatabaseFolderAccess | null): { level: 'info' | 'warn'; message: string; facts: Record<string, string> } | null {
  if (!access) return null;
  const facts = { folder: access.folder, was: access.was.toString(8) };
  if (access.tightened) return { level: 'info', message: 'made the database folder private (0700): others could open it', facts };
  return {
    level: 'warn',
    message: `the database folder can be opened by others and holds other files or is not Roster's: make it private (chmod 700 ${access.folder}) or give the database a folder of its own`,
    facts,
  };
}
