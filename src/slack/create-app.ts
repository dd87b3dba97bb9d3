import { createMissingSlackJob } from './jobs/create-missing-job.js';
import type { Server, ServerResponse } from 'node:http';
import { approvalDecidedSlackJob, approvalNotifySlackJob } from './jobs/approval-jobs.js';
import { tmpdir } from 'node:os';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi, type CodedError, type Installation } from '@slack/bolt';
import { slackAuth, type Env, type SlackAuth } from '../config/env.js';
import { STALE_AFTER_MS } from '../core/bulk/import-ownership.js';
import { interruptOrphanedImports } from '../core/bulk/import-job.js';
import { SecretKeyProblem } from '../core/credentials/secret-key.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { describeError } from '../log.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackAppDeps } from './deps.js';
import { registerListeners } from './listeners/register.js';
import { guardReceiver } from './parse/guard-receiver.js';
import { credentialSweepJob, CREDENTIAL_SWEEP } from './services/credential-sweep.js';
import { memberLinksJob, MEMBER_LINKS } from './services/member-links.js';
import { HOME_REFRESH_JOB, HomeRefresher } from './services/home-refresher.js';
import { editManySlackJob } from './jobs/edit-many-job.js';
import { exportSlackJob } from './jobs/export-job.js';
import { productChangeSlackJob } from './jobs/product-change-job.js';
import { importSlackJob } from './jobs/import-job.js';
import { startNoticesSlackJob } from './jobs/start-notices-job.js';
import { noticeSlackJob } from './jobs/notice-job.js';
import { bulkActionSlackJobs } from './jobs/bulk-action-job.js';
import { reclaimSlackJob, seatAlertSlackJob, seatDigestSlackJob } from './jobs/seat-jobs.js';
import { SEAT_DIGEST_SWEEP, seatDigestSweepHandler } from '../core/licenses/seat-digest.js';
import { removeLeftoverTempFolders } from './services/private-temp-folders.js';
import { announceInterruptedImportsOfEveryone } from './services/interrupted-imports.js';
import { checkOAuthApp, checkToken, reachSlack, StartupProblem, type BotIdentity } from './token-check.js';
import { healthRoutes, SlackReachability, startHealthServer } from './health-routes.js';
import { instrumentedPort } from './instrumented-port.js';
import { webApiPort } from './web-api-port.js';
import { BOT_SCOPES } from './bot-scopes.js';
import { oneTokenPorts, WorkspaceNotInstalled, type SlackPorts } from './slack-ports.js';
import { inWorkspaceOfJob, type WorkspaceJob } from './jobs/workspace-job.js';
import { InstalledWorkspaces } from './workspaces/installed-workspaces.js';
import { installedPage, installFailedPage } from './workspaces/install-pages.js';

/** The jobs that talk to Slack, each run in its organization's workspace (and ended when Roster is removed from it). */
const SLACK_JOBS: readonly WorkspaceJob[] = [
  editManySlackJob,
  exportSlackJob,
  productChangeSlackJob,
  importSlackJob,
  noticeSlackJob,
  startNoticesSlackJob,
  ...bulkActionSlackJobs,
  seatAlertSlackJob,
  seatDigestSlackJob,
  reclaimSlackJob,
  approvalNotifySlackJob,
  approvalDecidedSlackJob,
  createMissingSlackJob,
];

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
 *
 * With SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET instead of SLACK_BOT_TOKEN,
 * Roster serves many workspaces (HTTP only): Bolt's OAuth flow at GET /slack/install and
 * /slack/oauth_redirect (the state signed with SLACK_STATE_SECRET and tied to the browser by a
 * cookie), installations kept sealed in the database (workspaces/installed-workspaces.ts), and
 * each request and job acting with its own workspace's token.
 */
export async function startSlackApp(runtime: Runtime, env: Env, tuning: SlackAppTuning = {}): Promise<RosterApp> {
  const { logger } = runtime;
  const log = boltLogger(logger);
  const clientOptions = env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {};
  const socketMode = Boolean(env.SLACK_APP_TOKEN);
  const auth = slackAuth(env);
  // Slack unreachable stops the start in seconds, naming the address (a refused token or app: checkToken, checkOAuthApp).
  let bot: BotIdentity | undefined;
  if (auth.mode === 'one-workspace') bot = await reachSlack(auth.botToken, env.SLACK_API_URL);
  else await checkOAuthApp(auth.clientId, auth.clientSecret, env.SLACK_API_URL);
  // Ready while Slack answers: the bot token (one workspace), or Slack's API at all (many: no token is the app's own).
  const readiness = new webApi.WebClient(auth.mode === 'one-workspace' ? auth.botToken : undefined, {
    ...clientOptions,
    retryConfig: { retries: 0 },
    logger: log,
  });
  const routes = healthRoutes(
    runtime,
    runtime.metrics,
    new SlackReachability(() => (auth.mode === 'one-workspace' ? readiness.auth.test() : readiness.api.test())),
  );
  const secretKey = loadSecretKey(runtime);
  const core = runtime.core;
  // Each token's own client: its rate-limit waits (Retry-After) hold up only its own workspace's calls.
  const portOf = (token: string, client: webApi.WebClient) => {
    client.on(webApi.WebClientEvent.RATE_LIMITED, () => runtime.metrics.slackRateLimited());
    return instrumentedPort(
      webApiPort(client, token, () => runtime.metrics.slackRateLimited()),
      runtime.metrics,
    );
  };
  const installed =
    auth.mode === 'many-workspaces'
      ? new InstalledWorkspaces(core, secretKey, (token) => portOf(token, new webApi.WebClient(token, { ...clientOptions, logger: log })), logger, [
          ...SLACK_JOBS.map((job) => job.kind),
          HOME_REFRESH_JOB,
        ])
      : undefined;
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
          ...(installed && auth.mode === 'many-workspaces' ? oauthOptions(auth, installed, env.SLACK_API_URL) : {}),
        }),
        logger,
      );
  const app = new App({
    // Many workspaces: no token of its own; Bolt's authorize reads each request's workspace from the installation store.
    ...(auth.mode === 'one-workspace' ? { token: auth.botToken } : {}),
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
  const ports: SlackPorts = installed ?? oneTokenPorts(portOf(auth.mode === 'one-workspace' ? auth.botToken : '', app.client), logger);
  const home = new HomeRefresher({ core, ports, logger, bootstrapAdmins: env.ROSTER_BOOTSTRAP_ADMINS }, tuning.homeRefreshMs);
  const unsubscribe = runtime.changes.subscribe((change) => home.changed(change));
  const deps: SlackAppDeps = {
    core,
    ports,
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
    // A request from a workspace Roster was removed from (Slack may still send one): acked bare by Bolt, said in one line.
    const notInstalled = notInstalledCause(error);
    if (notInstalled) {
      logger.info('a request from a workspace Roster is not installed in was ignored', { team: notInstalled.teamId });
      return;
    }
    logger.error('unhandled listener error', { error: `${error.name}: ${error.message}`.slice(0, 500) });
  });
  runtime.jobs.register(
    home.job(),
    credentialSweepJob(deps),
    seatDigestSweepHandler(core),
    memberLinksJob(deps),
    ...SLACK_JOBS.map((job) => inWorkspaceOfJob(deps, job)),
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
      .then((jobs) => announceInterruptedImportsOfEveryone(deps, jobs))
      .catch((error: unknown) => logger.error('could not check for stopped imports', describeError(error)));
  }, STALE_AFTER_MS / 2);
  staleCheck.unref();
  // Jobs (the sweeps, App Home refreshes…) run from here on, temporary passwords that expired while
  // Roster was stopped are destroyed first thing (CREDENTIAL_SWEEP runs at start).
  await runtime.start({ schedule: [CREDENTIAL_SWEEP, SEAT_DIGEST_SWEEP, MEMBER_LINKS] });
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
    void announceInterruptedImportsOfEveryone(deps, interrupted);
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
  void announceInterruptedImportsOfEveryone(deps, interrupted);
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

/**
 * Bolt's OAuth flow (many workspaces): GET /slack/install sends the installer straight to Slack's
 * consent page with a signed state (also set as a cookie, so the redirect is checked to come back to
 * the same browser), GET /slack/oauth_redirect exchanges the code (oauth.v2.access) and stores the
 * installation. Slack's pages are at SLACK_API_URL's host when it is set (a fake, in tests).
 */
function oauthOptions(auth: Extract<SlackAuth, { mode: 'many-workspaces' }>, installed: InstalledWorkspaces, apiUrl: string | undefined) {
  return {
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
    stateSecret: auth.stateSecret,
    scopes: [...BOT_SCOPES],
    installationStore: installed.installationStore(),
    installerOptions: {
      directInstall: true,
      callbackOptions: {
        success: (installation: Installation, _options: unknown, _req: unknown, res: ServerResponse) => installedPage(installation, res),
        failure: (error: CodedError, _options: unknown, _req: unknown, res: ServerResponse) => installFailedPage(error, res),
      },
      ...(apiUrl ? { clientOptions: { slackApiUrl: apiUrl }, authorizationUrl: `${new URL(apiUrl).origin}/oauth/v2/authorize` } : {}),
    },
  };
}

function requiredSigningSecret(env: Env): string {
  if (!env.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET is missing; HTTP mode needs it (loadEnv reports this first)');
  return env.SLACK_SIGNING_SECRET;
}

/** The WorkspaceNotInstalled under Bolt's authorization error (Bolt and its InstallProvider each wrap it as `original`). */
function notInstalledCause(error: unknown): WorkspaceNotInstalled | null {
  for (let at = error, depth = 0; at && depth < 4; at = (at as { original?: unknown }).original, depth++) {
    if (at instanceof WorkspaceNotInstalled) return at;
  }
  return null;
}
