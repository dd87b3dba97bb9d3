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
