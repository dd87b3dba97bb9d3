import type Database from 'better-sqlite3';
import type { BackgroundCheckpoints } from './background-checkpoints.js';
import type { Db } from '../store/database.js';
import type { DatabaseKind } from '../store/dialect.js';

/** An open database, SQLite or PostgreSQL (open-database.ts opens either): what the runtime holds. */
export interface OpenDatabase {
  kind: DatabaseKind;
  /** The typed data layer (src/store/ modules take this). */
  db: Db;
  /** The absolute path of the SQLite file (or `:memory:`); null on PostgreSQL. */
  file: string | null;
  /** The raw SQLite connection, for the migrator and tests only; null on PostgreSQL. */
  sqlite: Database.Database | null;
  /** The checkpoint worker, when opened with `backgroundCheckpoints`. */
  checkpoints: BackgroundCheckpoints | null;
  /**
   * Set when the database's folder was open to others at start (null when it was private): whether
   * Roster made it 0700, so that the caller can say so once.
   */
  folderAccess: DatabaseFolderAccess | null;
  /** The migrations applied when it was opened (none when it was up to date, or opened with `migrate: false`). */
  applied: string[];
  /** For `CoreContext.settleWrites`: waits for the checkpoint worker when the WAL is long; else at once. */
  settleWrites(): Promise<void>;
  /** Whether the database answers a query now (GET /healthz and /readyz). Never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseFolderAccess {
  folder: string;
  /** The folder's mode bits at start (e.g. 0o755). */
  was: number;
  /** True when Roster made it 0700; false when it left it (another owner, or other files in it). */
  tightened: boolean;
}
