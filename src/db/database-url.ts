import path from 'node:path';
import { projectRoot } from '../project-root.js';

/** The embedded SQLite database used when DATABASE_URL is not set: `data/roster.db` in the project folder. */
export const defaultDatabaseUrl = 'file:./data/roster.db';

/**
 * better-sqlite3 wants a path; Prisma-style URLs say `file:<path>`. A relative path is taken from
 * the project folder (where package.json is), not from wherever the command was started, so
 * `npm start`, the CLI and a service manager all open the same file.
 */
export function sqlitePathFromUrl(url: string, root: string = projectRoot()): string {
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  const file = url.startsWith('file:') ? url.slice('file:'.length).replace(/\?.*$/, '') : url;
  return path.resolve(root, file);
}

/** Whether a DATABASE_URL names a PostgreSQL server (postgres:// or postgresql://) rather than a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** A DATABASE_URL as it may be shown (logs, the command line): a SQLite file's path, or a PostgreSQL URL without its password or parameters. */
export function describeDatabaseUrl(url: string): string {
  if (!isPostgresUrl(url)) return sqlitePathFromUrl(url);
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the PostgreSQL DATABASE_URL (which is not a URL)';
  }
}
