import { existsSync } from 'node:fs';
import { loadEnv } from './config/env.js';
import { folderAccessNote, openDatabase } from './db/open-database.js';
import { createLogger, describeError } from './log.js';
import { startSlackApp } from './slack/create-app.js';
import { backfillSearchTerms } from './store/user-search.js';
import { StartupProblem } from './slack/token-check.js';

/** `npm start`: read .env, open (and migrate) the database, start the Slack app. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const loaded = loadEnv(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.message}\n`);
    process.exit(1);
  }
  const { env } = loaded;
  const logger = createLogger(env.LOG_LEVEL);
  const db = await openDatabase(env.DATABASE_URL, { backgroundCheckpoints: true });
  const folderNote = folderAccessNote(db.folderAccess);
  if (folderNote) logger[folderNote.level](folderNote.message, folderNote.facts);
  db.checkpoints?.on('problem', (problem: string) => logger.warn('the background checkpoint failed; SQLite checkpoints on commit instead', { problem }));
  // Users made before the search index existed are indexed once (the next start finds none left).
  const indexed = await backfillSearchTerms(db.db);
  if (indexed > 0) logger.info('indexed users for search', { users: indexed });
  const app = await startSlackApp(env, db, logger);
  logger.info('Roster is ready', {
    mode: env.SLACK_APP_TOKEN ? 'socket' : 'http',
    ...(app.port ? { port: app.port, endpoint: '/slack/events' } : {}),
    startupMs: Math.round(performance.now()),
  });
  const shutdown = async (signal: string) => {
    logger.info('stopping', { signal });
    await app.stop().catch(() => undefined);
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof StartupProblem) {
    process.stderr.write(`Roster cannot start: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Roster failed to start: ${describeError(error).error}\n`);
  process.exit(1);
});
