import { newInstanceId } from '../core/bulk/import-ownership.js';
import { ChangeFeed } from '../core/changes/change-feed.js';
import type { CoreContext } from '../core/context.js';
import type { DirectoryProvider } from '../core/directory/directory-provider.js';
import { embeddedDirectory } from '../directory/embedded-directory.js';
import { microsoftMirror } from '../directory/microsoft-mirror.js';
import { directorySyncHandler } from '../core/microsoft/sync-job.js';
import { DEFAULT_SYNC_MINUTES } from '../core/microsoft/sync-interval.js';
import { syncSchedule, syncSweepHandler } from '../core/microsoft/sync-schedule.js';
import { GLOBAL_ENDPOINTS, type GraphEndpoints } from '../graph/endpoints.js';
import { GraphConnector } from '../graph/graph-connector.js';
import { DEFAULT_TRANSPORT, type Transport } from '../graph/token-source.js';
import { resolveSecretKey } from '../core/credentials/secret-key.js';
import { JobRunner, type JobRunnerOptions } from '../core/jobs/job-runner.js';
import { Scheduler, type Recurring } from '../core/jobs/scheduler.js';
import { CORE_SCHEDULE, coreSweepHandlers } from '../core/jobs/sweep-jobs.js';
import { scheduledChangeHandlers } from '../core/schedules/run-offboarding.js';
import { approvalHandlers } from '../core/approvals/run-approved.js';
import { APPROVAL_SWEEP } from '../core/approvals/expire-requests.js';
import { folderAccessNote, openDatabase, type OpenDatabase } from '../db/open-database.js';
import { createLogger, describeError, type Logger } from '../log.js';
import { backfillSearchTerms } from '../store/user-search.js';
import { Metrics } from './metrics.js';

/** What a runtime is built from: everything that differs between the app, the CLI, a test and the bench. */
export interface RuntimeOptions {
  /** DATABASE_URL: a SQLite `file:` URL, or `postgres://…` (src/db/open-database.ts). */
  databaseUrl: string;
  /**
   * An open database to share instead of opening `databaseUrl` (left open at shutdown): a second
   * instance inside one process, in tests. Two connections to one SQLite file in one thread would
   * block each other (a busy wait holds the thread the lock holder needs); separate processes don't.
   */
  database?: OpenDatabase;
  /** ROSTER_SECRET_KEY when set; else the key file beside the SQLite database is used (made when missing). PostgreSQL needs it. */
  secretKey?: Buffer;
  /** A process that writes for long (the app, a CLI import) copies SQLite's write-ahead log in a worker thread. */
  backgroundCheckpoints?: boolean;
  /** How long a query waits for another process's write lock (ms; SQLite). */
  busyTimeoutMs?: number;
  now?: () => Date;
  logger?: Logger;
  /** The job queues this process runs: `app` for the app (the default), `cli:<instance>` for a CLI process. */
  jobQueues?: (instanceId: string) => string[];
  jobRunner?: Partial<Omit<JobRunnerOptions, 'queues' | 'logger'>>;
  /** The user directory; Roster's own (embedded) by default. */
  directory?: DirectoryProvider;
  /** Microsoft Graph: MICROSOFT_GRAPH_URL and MICROSOFT_LOGIN_URL (the global cloud by default); tests pass the fake's, and may change how waits are slept. */
  graph?: { endpoints?: GraphEndpoints; transport?: Partial<Transport> };
  /** How often connected organizations are synced (ROSTER_SYNC_MINUTES; 5 minutes by default). */
  syncEveryMs?: number;
}

/** What `start` turns on: the job runner, recurring jobs and reading the change feed of other processes. */
export interface StartOptions {
  /** Recurring jobs besides the database's own sweeps (the app adds its Slack ones). */
  schedule?: Recurring[];
  /** How often the change feed is read for other processes' changes (ms). */
  followChangesMs?: number;
}

/**
 * Everything Roster runs on, built once: the database (opened and migrated), the core context, the
 * secret key, the change feed and the job runner. The Slack app, the CLI, the tests and the bench
 * each take one (`createRuntime`) and none wires its own; `shutdown` drains it.
 */
export interface Runtime {
  readonly core: CoreContext;
  readonly database: OpenDatabase;
  readonly logger: Logger;
  readonly jobs: JobRunner;
  readonly changes: ChangeFeed;
  /** What `GET /metrics` reports; made on first use (the app's), so a CLI run or a test starts no collectors. */
  readonly metrics: Metrics;
  /** The AES-256 key that seals temporary passwords; read (or made) on first use. Never logged. */
  secretKey(): Buffer;
  /** Starts the job runner, the recurring jobs and following other processes' changes (the app does; the CLI and most tests do not). */
  start(options?: StartOptions): Promise<void>;
  /** Lets running jobs finish their step and hands them back, stops everything, closes the database (a PostgreSQL pool is ended). Safe to call twice. */
  shutdown(): Promise<void>;
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const logger = options.logger ?? createLogger('info');
  const database =
    options.database ??
    (await openDatabase(options.databaseUrl, {
      backgroundCheckpoints: options.backgroundCheckpoints ?? false,
      ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
      onIdleError: (error) => logger.warn('a pooled PostgreSQL connection broke while idle; the next query connects again', describeError(error)),
    }));
  const folderNote = options.database ? null : folderAccessNote(database.folderAccess);
  if (folderNote) logger[folderNote.level](folderNote.message, folderNote.facts);
  database.checkpoints?.on('problem', (problem: string) => logger.warn('the background checkpoint failed; SQLite checkpoints on commit instead', { problem }));
  // Users made before the search index existed (or whose terms a migration dropped) are indexed once.
  const indexed = await backfillSearchTerms(database.db);
  if (indexed > 0) logger.info('indexed users for search', { users: indexed });
  const now = options.now ?? (() => new Date());
  const instanceId = newInstanceId();
  const changes = new ChangeFeed(database.db, instanceId, now, logger);
  const holder: { jobs?: JobRunner } = {};
  let key: Buffer | undefined = options.secretKey;
  const secretKey = () => (key ??= resolveSecretKey(undefined, database.file));
  const core: CoreContext = {
    db: database.db,
    directory: options.directory ?? embeddedDirectory(),
    mirror: microsoftMirror(),
    graph: new GraphConnector(options.graph?.endpoints ?? GLOBAL_ENDPOINTS, { ...DEFAULT_TRANSPORT, ...options.graph?.transport }),
    now,
    secretKey,
    instanceId,
    changes,
    jobQueued: (runAt) => holder.jobs?.nudgeAt(runAt),
    ...(options.backgroundCheckpoints ? { settleWrites: () => database.settleWrites() } : {}),
  };
  const jobs = (holder.jobs = new JobRunner(core, { queues: options.jobQueues?.(instanceId) ?? ['app'], logger, ...options.jobRunner }));
  const syncEveryMs = options.syncEveryMs ?? DEFAULT_SYNC_MINUTES * 60_000;
  jobs.register(
    ...coreSweepHandlers(core, logger),
    ...scheduledChangeHandlers(core),
    ...approvalHandlers(core),
    directorySyncHandler(core, { secretKey, logger }),
    syncSweepHandler(core, syncEveryMs),
  );
  let scheduler: Scheduler | null = null;
  let metrics: Metrics | undefined;
  let closed: Promise<void> | undefined;
  return {
    core,
    database,
    logger,
    jobs,
    changes,
    get metrics() {
      metrics ??= new Metrics(database.db);
      return metrics;
    },
    secretKey,
    async start(start = {}) {
      const schedule = [...CORE_SCHEDULE, APPROVAL_SWEEP, syncSchedule(syncEveryMs), ...(start.schedule ?? [])];
      // A sweep runs on one instance at a time (each slot is one job already: its key).
      jobs.runOneAtATime(schedule.map((recurring) => recurring.kind));
      jobs.start();
      scheduler = new Scheduler(core, schedule, logger);
      await scheduler.start();
      await changes.follow(start.followChangesMs ?? 1000);
    },
    shutdown() {
      closed ??= (async () => {
        scheduler?.stop();
        await jobs.drain().catch((error: unknown) => logger.error('could not drain the jobs', describeError(error)));
        await changes.stop();
        if (!options.database) await database.close();
      })();
      return closed;
    },
  };
}
