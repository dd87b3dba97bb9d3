import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/index.js';
import { applyMigrations } from './migrate.js';
import { sqlitePathFromUrl } from './database-url.js';

export type Db = PrismaClient;

export interface OpenDatabase {
  prisma: PrismaClient;
  /** A direct connection for bulk paths, where Prisma's per-row cost dominates. */
  sqlite: Database.Database;
  close(): Promise<void>;
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating it if needed) the SQLite database at `url`, applies pending migrations, and
 * returns a Prisma client over it. WAL lets readers go on while a bulk import writes.
 */
export async function openDatabase(url: string, options: { migrate?: boolean; busyTimeoutMs?: number } = {}): Promise<OpenDatabase> {
  const file = sqlitePathFromUrl(url);
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const timeout = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  const sqlite = new Database(file, { timeout });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  if (options.migrate !== false) applyMigrations(sqlite);
  const adapter = new PrismaBetterSQLite3({ url: file, timeout });
  const prisma = new PrismaClient({ adapter });
  await prisma.$connect();
  return {
    prisma,
    sqlite,
    async close() {
      await prisma.$disconnect();
      sqlite.close();
    },
  };
}
