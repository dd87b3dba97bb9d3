import { migrateDatabase } from '../runtime/migrate-database.js';
import { EXIT } from './cli-kit.js';
import type { CommandSpec } from './command-tree.js';

/** `roster migrate`: the database's pending migrations, applied without starting Roster. */
export const MIGRATE_COMMAND: CommandSpec = {
  path: ['migrate'],
  summary: 'apply the database migrations DATABASE_URL lacks, then exit (a deploy step; start applies them too)',
  args: '',
  positionals: { min: 0, max: 0 },
  details: `Works on SQLite (a file: URL, the default) and PostgreSQL (postgres://…): opens the database, applies
every committed migration it lacks, each in its own transaction, and exits without starting the app, the
jobs or anything else. Run it before the new version's instances start; on PostgreSQL, instances (or
migrate commands) that start at once take turns on a lock, and the first applies what is missing.
Exit 0 when the database is up to date, 1 when a migration fails (nothing of it is kept).`,
  examples: ['roster migrate', 'DATABASE_URL=postgres://roster@db.internal:5432/roster roster migrate'],
  noWorkspace: true,
  migrate: async ({ databaseUrl, print, problem }) => {
    let result: Awaited<ReturnType<typeof migrateDatabase>>;
    try {
      result = await migrateDatabase(databaseUrl);
    } catch (error) {
      problem(`error: ${(error as Error).message}`);
      return EXIT.refused;
    }
    const { applied, where } = result;
    if (applied.length === 0) print(`${where} is up to date: no migration to apply.`);
    else print(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${where}: ${applied.join(', ')}.`);
    return EXIT.done;
  },
};
