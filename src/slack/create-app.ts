import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { Env } from '../config/env.js';
import { markInterruptedImports } from '../core/bulk/index.js';
import type { OpenDatabase } from '../db/open-database.js';
import type { Logger } from '../log.js';
import { boltLogger } from './bolt-logger.js';
import type { ListenerDeps } from './deps.js';
import { registerListeners } from './listeners/register.js';
import { guardReceiver } from './parse/guard-receiver.js';
import { announceInterruptedImports } from './services/interrupted-imports.js';
import { webApiPort } from './web-api-port.js';

export interface RosterApp {
  /** The HTTP port listened on (HTTP mode only). */
  port?: number;
  stop(): Promise<void>;
}

/**
 * Builds and starts the Bolt app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT with
 * every Slack request at POST /slack/events and GET /healthz. Signatures are always verified.
 */
export async function startSlackApp(env: Env, db: OpenDatabase, logger: Logger, now: () => Date = () => new Date()): Promise<RosterApp> {
  const log = boltLogger(logger);
  const clientOptions = env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {};
  const socketMode = Boolean(env.SLACK_APP_TOKEN);
  // Every body is checked against the shapes Roster reads before Bolt sees it (parse/guard-receiver.ts).
  const receiver = socketMode
    ? guardReceiver(new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN!, logger: log }), logger)
    : guardReceiver(new HTTPReceiver({
        signingSecret: env.SLACK_SIGNING_SECRET,
        endpoints: '/slack/events',
        logger: log,
        customRoutes: [
          {
            path: '/healthz',
            method: ['GET'],
            handler: (_req, res) => {
              let healthy = true;
              try {
                db.sqlite.prepare('SELECT 1').get();
              } catch {
                healthy = false;
              }
              res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ ok: healthy }));
            },
          },
        ],
      }), logger);
  const app = new App({
    token: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    receiver,
    clientOptions,
    logger: log,
    logLevel: LogLevel.INFO,
  });
  const deps: ListenerDeps = {
    core: { db: db.prisma, sqlite: db.sqlite, now },
    slack: webApiPort(app.client, env.SLACK_BOT_TOKEN),
    bootstrapAdmins: env.ROSTER_BOOTSTRAP_ADMINS,
    logger,
    imports: {
      limits: { maxRows: env.ROSTER_IMPORT_MAX_ROWS, maxBytes: env.ROSTER_IMPORT_MAX_BYTES },
      tempDir: tmpdir(),
      progressIntervalMs: 2000, // chat.update of one message at most every 2 s (Slack allows ~50 a minute per channel)
    },
  };
  registerListeners(app, deps);
  app.error(async (error) => {
    logger.error('unhandled listener error', { error: `${error.name}: ${error.message}`.slice(0, 500) });
  });
  // Imports that were running when Roster last stopped: marked before any request can start one,
  // announced (with a Resume button) once the app is up, without holding up the start.
  const interrupted = await markInterruptedImports(deps.core);
  const announce = () => void announceInterruptedImports(deps, interrupted);

  if (socketMode) {
    await app.start();
    announce();
    return { stop: () => app.stop().then(() => undefined) };
  }
  const server = (await app.start(env.PORT)) as Server;
  announce();
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : env.PORT,
    stop: () => app.stop().then(() => undefined),
  };
}
