/** The embedded SQLite database used when DATABASE_URL is not set. */
export const defaultDatabaseUrl = 'file:./data/roster.db';

/** better-sqlite3 wants a path; Prisma-style URLs say `file:<path>`. */
export function sqlitePathFromUrl(url: string): string {
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  if (url.startsWith('file:')) return url.slice('file:'.length).replace(/\?.*$/, '');
  return url;
}
