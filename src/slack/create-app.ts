import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Env } from '../config/env.js';
import { STALE_AFTER_MS } from '../core/bulk/import-ownership.js';
import { interruptOrphanedImports } from '../core/bulk/import-job.js';
import { SecretKeyProblem } from '../core/credentials/secret-key.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { describeError } from '../log.js';
import { boltLogger } from './bolt-logger.js';
import type { ListenerDeps } from './deps.js';
import { registerListeners } from './listeners/register.js';
import { guardReceiver } from './parse/guard-receiver.js';
import { credentialSweepJob, CREDENTIAL_SWEEP } from './services/credential-sweep.js';
import { HomeRefresher } from './services/home-refresher.js';
import { editManySlackJob } from './jobs/edit-many-job.js';
import { exportSlackJob } from './jobs/export-job.js';
import { productChangeSlackJob } from './jobs/product-change-job.js';
import { importSlackJob } from './jobs/import-job.js';
import { noticeSlackJob } from './jobs/notice-job.js';
import { bulkActionSlackJobs } from './jobs/bulk-action-job.js';
import { removeLeftoverTempFolders } from './services/private-temp-folders.js';
import { announceInterruptedImports } from './services/interrupted-imports.js';
import { checkToken, reachSlack, StartupProblem } from './token-check.js';
import { healthRoutes, SlackReachability, startHealthServer } from './health-routes.js';
import { instrumentedPort } from './instrumented-port.js';
import { webApiPort } from './web-api-port.js';

export interface RosterApp {
  /** The HTTP port listened on (HTTP mode only). */
  port?: number;
  /** The port of /healthz, /readyz and /metrics in Socket Mode (HEALTH_PORT). */
  healthPort?: number;
  /** Stops taking Slack requests (the runtime, drained by its owner, finishes the jobs). */
  stop(): Promise<void>;
}

/** Test-only timing, passed explicitly by tests (the app itself never sets it): the defaults are production's. */
export interface SlackAppTuning {
  /** The App Home refresh slot (ms): HOME_REFRESH_INTERVAL_MS (2 s) unless a test wants its refreshes sooner. */
  homeRefreshMs?: number;
  /** Called just before the app listens on PORT (or its health server on HEALTH_PORT): main.ts frees the port its startup probe held. */
  beforeListen?: () => Promise<void>;
}

/**
 * The Slack surface of a runtime: builds the Bolt app (Socket Mode when SLACK_APP_TOKEN is set,
 * else HTTP on PORT with every Slack request at POST /slack/events; GET /healthz, /readyz and /metrics
 * on PORT, or on HEALTH_PORT in Socket Mode), registers the
 * listeners and the jobs that talk to Slack, and starts the runtime's jobs. Signatures are always
 * verified. Both tokens are checked with Slack before it resolves (auth.test, then
 * apps.connections.open in Socket Mode); a refused one rejects with a StartupProblem naming it.
 */
export async function startSlackApp(runtime: Runtime, env: Env, tuning: SlackAppTuning = {}): Promise<RosterApp> {
  const { logger } = runtime;
  const log = boltLogger(logger);
  const clientOptions = env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {};
  const socketMode = Boolean(env.SLACK_APP_TOKEN);
  // Slack unreachable stops the start in seconds, naming the address (a refused token: checkToken).
  const bot = await reachSlack(env.SLACK_BOT_TOKEN, env.SLACK_API_URL);
  const readiness = new webApi.WebClient(env.SLACK_BOT_TOKEN, { ...clientOptions, retryConfig: { retries: 0 }, logger: log });
  const routes = healthRoutes(runtime, runtime.metrics, new SlackReachability(() => readiness.auth.test()));
  // Every body is checked against the shapes Roster reads before Bolt sees it (parse/guard-receiver.ts).
  const receiver = socketMode
    ? // The Socket Mode client has its own Web API client (apps.connections.open): same base URL.
      guardReceiver(new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN ?? '', logger: log, installerOptions: { clientOptions } }), logger)
    : guardReceiver(
        new HTTPReceiver({
          signingSecret: requiredSigningSecret(env),
          endpoints: '/slack/events',
          logger: log,
          customRoutes: routes,
        }),
        logger,
      );
  const app = new App({
    token: env.SLACK_BOT_TOKEN,
    receiver,
    clientOptions,
    logger: log,
    logLevel: LogLevel.INFO,
    // init() below runs auth.test and fails there, instead of after "ready" in a listener; when
    // reachSlack already had the bot's ids from Slack, Bolt takes them and does not ask again.
    deferInitialization: true,
    ...(bot ? { ...bot, tokenVerificationEnabled: false } : {}),
    // Roster keeps no per-conversation state in Bolt: without the store, no lookup (and no thrown
    // "conversation not found") on every request.
    convoStore: false,
  });
  await checkToken('SLACK_BOT_TOKEN', () => app.init());
  const secretKey = loadSecretKey(runtime);
  const core = runtime.core;
  const slack = instrumentedPort(
    webApiPort(app.client, env.SLACK_BOT_TOKEN, () => runtime.metrics.slackRateLimited()),
    runtime.metrics,
  );
  app.client.on(webApi.WebClientEvent.RATE_LIMITED, () => runtime.metrics.slackRateLimited());
  const home = new HomeRefresher({ core, slack, logger, bootstrapAdmins: env.ROSTER_BOOTSTRAP_ADMINS }, tuning.homeRefreshMs);
  const unsubscribe = runtime.changes.subscribe((change) => home.changed(change));
  const deps: ListenerDeps = {
    core,
    slack,
    home,
    bootstrapAdmins: env.ROSTER_BOOTSTRAP_ADMINS,
    ackBudgetMs: env.ROSTER_ACK_BUDGET_MS,
    logger,
    imports: {
      limits: { maxRows: env.ROSTER_IMPORT_MAX_ROWS, maxBytes: env.ROSTER_IMPORT_MAX_BYTES },
      tempDir: tmpdir(),
      progressIntervalMs: 2000, // chat.update of one message at most every 2 s (Slack allows ~50 a minute per channel)
    },
    secretKey,
    metrics: runtime.metrics,
  };
  registerListeners(app, deps);
  app.error(async (error) => {
    logger.error('unhandled listener error', { error: `${error.name}: ${error.message}`.slice(0, 500) });
  });
  runtime.jobs.register(
    home.job(),
    credentialSweepJob(deps),
    editManySlackJob(deps),
    exportSlackJob(deps),
    productChangeSlackJob(deps),
    importSlackJob(deps),
    noticeSlackJob(deps),
    ...bulkActionSlackJobs(deps),
  );
  // CSVs a crash left behind (downloads, exports) hold personal data: gone before anything else can happen.
  const leftovers = await removeLeftoverTempFolders(deps.imports.tempDir);
  if (leftovers.imports + leftovers.exports > 0) logger.info('removed leftover temporary folders', leftovers);
  // Imports nothing will run any more (their command-line process stopped, or their run ended
  // without finishing them) become interrupted: marked before any request can start one,
  // announced (with a Resume button) once the app is up, then checked again regularly. An import
  // run by the app's jobs needs none of this: another runner takes it over when its lease ends.
  const interrupted = await interruptOrphanedImports(core);
  const staleCheck = setInterval(() => {
    void interruptOrphanedImports(core)
      .then((jobs) => announceInterruptedImports(deps, jobs))
      .catch((error: unknown) => logger.error('could not check for stopped imports', describeError(error)));
  }, STALE_AFTER_MS / 2);
  staleCheck.unref();
  // Jobs (the sweeps, App Home refreshes…) run from here on, temporary passwords that expired while
  // Roster was stopped are destroyed first thing (CREDENTIAL_SWEEP runs at start).
  await runtime.start({ schedule: [CREDENTIAL_SWEEP] });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      clearInterval(staleCheck);
      unsubscribe();
      await app.stop();
      await home.settled();
    })());

  if (socketMode) {
    await checkToken('SLACK_APP_TOKEN', () => app.start());
    void announceInterruptedImports(deps, interrupted);
    if (env.HEALTH_PORT === undefined) return { stop };
    await tuning.beforeListen?.();
    const health = await startHealthServer(env.HEALTH_PORT, routes);
    const healthAddress = health.address();
    return {
      healthPort: typeof healthAddress === 'object' && healthAddress ? healthAddress.port : env.HEALTH_PORT,
      stop: async () => {
        await new Promise<void>((resolve) => health.close(() => resolve()));
        await stop();
      },
    };
  }
  await tuning.beforeListen?.();
  const server = (await app.start(env.PORT)) as Server;
  void announceInterruptedImports(deps, interrupted);
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : env.PORT,
    stop,
  };
}

/** The key that seals pending passwords; a key file Roster cannot use stops the start with one sentence. */
function loadSecretKey(runtime: Runtime): Buffer {
  try {
    return runtime.secretKey();
  } catch (error) {
    if (error instanceof SecretKeyProblem) throw new StartupProblem(error.message);
    throw error;
  }
}

function requiredSigningSecret(env: Env): string {
  if (!env.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET is missing; HTTP mode needs it (loadEnv reports this first)');
  return env.SLACK_SIGNING_SECRET;
}
