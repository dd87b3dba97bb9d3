import { existsSync } from 'node:fs';
import { loadEnv } from './config/env.js';
import { graphEndpoints } from './graph/endpoints.js';
import { createLogger, describeError } from './log.js';
import { createRuntime } from './runtime/create-runtime.js';
import { startSlackApp } from './slack/create-app.js';
import { startStartupProbe } from './slack/startup-probe.js';
import { StartupProblem } from './slack/token-check.js';

/** `npm start`: read .env, build the runtime (database opened and migrated), start the Slack app on it. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const loaded = loadEnv(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.message}\n`);
    process.exit(1);
  }
  const { env } = loaded;
  const logger = createLogger(env.LOG_LEVEL);
  // Until the app listens, its port answers the health checks: alive, not ready while the database's
  // migrations are applied (or another instance's are awaited), then while Slack is reached.
  const probePort = env.SLACK_APP_TOKEN ? env.HEALTH_PORT : env.PORT;
  const probe = probePort === undefined ? null : await startStartupProbe(probePort);
  if (probe) logger.info('starting: health checks answer while the database is opened and migrated', { port: probe.port });
  const runtime = await createRuntime({
    databaseUrl: env.DATABASE_URL,
    backgroundCheckpoints: true,
    logger,
    ...(env.ROSTER_SECRET_KEY ? { secretKey: env.ROSTER_SECRET_KEY } : {}),
    graph: { endpoints: graphEndpoints(env.MICROSOFT_GRAPH_URL, env.MICROSOFT_LOGIN_URL) },
    syncEveryMs: env.ROSTER_SYNC_MINUTES * 60_000,
  });
  probe?.phase('starting');
  let app;
  try {
    app = await startSlackApp(runtime, env, { beforeListen: async () => probe?.close() });
  } catch (error) {
    await probe?.close();
    await runtime.shutdown().catch(() => undefined);
    throw error;
  }
  logger.info('Roster is ready', {
    mode: env.SLACK_APP_TOKEN ? 'socket' : 'http',
    ...(app.port ? { port: app.port, endpoint: '/slack/events' } : {}),
    ...(app.healthPort ? { healthPort: app.healthPort } : {}),
    startupMs: Math.round(performance.now()),
  });
  const shutdown = async (signal: string) => {
    logger.info('stopping', { signal });
    // Slack requests stop first; then each running job finishes its step and goes back to the queue.
    await app.stop().catch(() => undefined);
    await runtime.shutdown();
    logger.info('stopped', { signal });
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
