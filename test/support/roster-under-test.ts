import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { loadEnv } from '../../src/config/env.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { startSlackApp, type RosterApp, type SlackAppTuning } from '../../src/slack/create-app.js';
import { startFakeSlack, WAIT_LIMIT_MS, type FakeSlack } from './fake-slack-api.js';
import { SlackClientSim } from './slack-requests.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';
import type { DatabaseKind } from '../../src/store/dialect.js';
import { fakeGraphOptions } from './connected-tenant.js';
import type { FakeGraph } from './fake-graph.js';

/** App Home refreshes come at the end of a 200 ms slot instead of 2 s, so tests wait less for them (quiet()). */
export const TEST_TUNING: SlackAppTuning = { homeRefreshMs: 200 };

export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, 'f');

export interface RosterUnderTest {
  fake: FakeSlack;
  db: TestDatabase;
  app: RosterApp;
  sim: SlackClientSim;
  appUrl: string;
  baseUrl: string;
  /** Every line Roster logged (its own and Bolt's). */
  logs: string[];
  /** Resolves when no job is queued or running (App Home refreshes included): before counting Slack calls exactly. */
  quiet(timeoutMs?: number): Promise<void>;
  /**
   * Resolves when Roster has finished handling the event with this id, or the command or interaction
   * with this trigger id (every listener, work after the ack included).
   */
  handled(eventId: string, options?: { times?: number; timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Roster as it runs in production (HTTP mode, real port, real SQLite file) against the local fake
 * of Slack's Web API; `sim` sends signed requests the way Slack does.
 */
export async function startRosterUnderTest(
  options: {
    bootstrapAdmins?: string[];
    now?: () => Date;
    kind?: DatabaseKind;
    graph?: FakeGraph;
    /** Serve many workspaces (Slack's OAuth flow, test/support/oauth-install.ts) instead of the fake's one bot token. */
    manyWorkspaces?: boolean;
    /** The wait before a failed job's first retry (5 s in Roster): a test of a retry need not wait that long. */
    firstRetryMs?: number;
  } = {},
): Promise<RosterUnderTest> {
  const fake = await startFakeSlack();
  const logs: string[] = [];
  const logged = new EventEmitter();
  const logger = createLogger('debug', (line) => {
    logs.push(line);
    logged.emit('line', line);
  });
  const db = await createTestDatabase(options.now, {
    logger,
    ...(options.kind ? { kind: options.kind } : {}),
    ...(options.graph ? { graph: fakeGraphOptions(options.graph) } : {}),
    ...(options.firstRetryMs !== undefined ? { jobRunner: { firstRetryMs: options.firstRetryMs } } : {}),
  });
  const loaded = loadEnv({
    ...(options.manyWorkspaces ? oauthEnv(fake) : { SLACK_BOT_TOKEN: fake.botToken }),
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    PORT: '0',
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: db.url,
    ROSTER_BOOTSTRAP_ADMINS: (options.bootstrapAdmins ?? []).join(','),
    LOG_LEVEL: 'debug',
    // PostgreSQL needs the key set (the runtime was given its own, which is the one used).
    ...(db.kind === 'postgres' ? { ROSTER_SECRET_KEY: randomBytes(32).toString('hex') } : {}),
    ...(options.graph ? { MICROSOFT_GRAPH_URL: options.graph.graphUrl, MICROSOFT_LOGIN_URL: options.graph.loginUrl } : {}),
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const app = await startSlackApp(db.runtime, loaded.env, TEST_TUNING);
  const baseUrl = `http://127.0.0.1:${app.port}`;
  // The app's settings in Slack name Roster's redirect URL (known once it listens).
  if (options.manyWorkspaces) fake.setRedirectUrls([`${baseUrl}/slack/oauth_redirect`]);
  const appUrl = `${baseUrl}/slack/events`;
  const sim = new SlackClientSim({ appUrl, signingSecret: SIGNING_SECRET, teamId: fake.teamId, fake });
  return {
    fake,
    db,
    app,
    sim,
    appUrl,
    baseUrl,
    logs,
    handled: (eventId, { times = 1, timeoutMs = WAIT_LIMIT_MS } = {}) =>
      new Promise<void>((resolve, reject) => {
        const line = (text: string) =>
          text.includes('"request handled"') && (text.includes(`"eventId":"${eventId}"`) || text.includes(`"triggerId":"${eventId}"`));
        let seen = logs.filter(line).length;
        const done = (text: string) => line(text) && ++seen >= times;
        if (seen >= times) return resolve();
        const timer = setTimeout(() => {
          logged.off('line', listener);
          reject(new Error(`Roster did not finish handling event ${eventId} within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (line: string) => {
          if (!done(line)) return;
          clearTimeout(timer);
          logged.off('line', listener);
          resolve();
        };
        logged.on('line', listener);
      }),
    async quiet(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await db.runtime.jobs.idle();
        const pending = await db.db.selectFrom('Job').select('id').where('queue', '=', 'app').where('status', 'in', ['queued', 'running']).executeTakeFirst();
        if (!pending) return;
        if (Date.now() > deadline) throw new Error(`jobs still pending after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      // The app stops taking requests; its jobs finish (they may still call Slack); then Slack goes.
      await app.stop();
      await db.destroy();
      await fake.close();
    },
  };
}

/** The OAuth settings that make Roster serve many workspaces, matching the fake app's credentials. */
export function oauthEnv(fake: FakeSlack): Record<string, string> {
  return { SLACK_CLIENT_ID: fake.clientId, SLACK_CLIENT_SECRET: fake.clientSecret, SLACK_STATE_SECRET: STATE_SECRET };
}

export const STATE_SECRET = 'a-state-secret-of-at-least-32-characters-for-tests';

/**
 * Another Roster process on the same database and fake Slack (a restart after a crash, or an
 * instance with other settings), with `env` added to the usual variables. `db` is the same
 * database reached another way (e.g. with held writes, support/held-writes.ts).
 */
export async function startAnotherRoster(
  r: RosterUnderTest,
  env: Record<string, string> = {},
  log: (line: string) => void = () => undefined,
  now?: () => Date,
  db: OpenDatabase = r.db.runtime.database,
): Promise<{ app: RosterApp; sim: SlackClientSim }> {
  const loaded = loadEnv({
    SLACK_BOT_TOKEN: r.fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    PORT: '0',
    SLACK_API_URL: r.fake.apiUrl,
    DATABASE_URL: r.db.url,
    LOG_LEVEL: 'debug',
    ...env,
  });
  if (!loaded.ok) throw new Error(loaded.message);
  // Its own runtime (instance id, jobs, feed, secret key) on the same database; the connection is
  // shared, since two connections in one thread block each other (see RuntimeOptions.database).
  const runtime = await createRuntime({
    databaseUrl: r.db.url,
    database: db,
    logger: createLogger('debug', log),
    ...(now ? { now } : {}),
    ...(loaded.env.ROSTER_SECRET_KEY ? { secretKey: loaded.env.ROSTER_SECRET_KEY } : {}),
  });
  const started = await startSlackApp(runtime, loaded.env, TEST_TUNING).catch(async (error: unknown) => {
    await runtime.shutdown();
    throw error;
  });
  const app: RosterApp = {
    ...(started.port !== undefined ? { port: started.port } : {}),
    async stop() {
      await started.stop();
      await runtime.shutdown();
    },
  };
  return {
    app,
    sim: new SlackClientSim({ appUrl: `http://127.0.0.1:${app.port}/slack/events`, signingSecret: SIGNING_SECRET, teamId: r.fake.teamId, fake: r.fake }),
  };
}
