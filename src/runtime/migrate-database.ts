import { describeDatabaseUrl } from '../db/database-url.js';
import { openDatabase } from '../db/open-database.js';
import type { DatabaseKind } from '../store/dialect.js';

/**
 * `roster migrate`: applies the migrations the database of `url` lacks (SQLite or PostgreSQL) and
 * closes it, starting nothing else (no job runner, no Slack): a deploy step before new instances
 * start. Starting Roster applies them too; on PostgreSQL, migrators that start at once take turns.
 */
export async function migrateDatabase(url: string): Promise<{ kind: DatabaseKind; where: string; applied: string[] }> {
  const database = await openDatabase(url);
  try {
    return { kind: database.kind, where: describeDatabaseUrl(url), applied: database.applied };
  } finally {
    await database.close();
  }
}
