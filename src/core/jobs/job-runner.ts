import { hostname } from 'node:os';
import type { JobRecord } from '../../domain/jobs.js';
import { describeError, type Logger } from '../../log.js';
import { cancelRequested, claimNextJob, expireLeasesOf, finishJob, findJob, renewLease, requeueJob, runningLeaseOwners } from '../../store/jobs.js';
import { runAlone } from '../../store/run-alone.js';
import type { CoreContext } from '../context.js';
import { transaction } from '../transaction.js';
import { LeaseLost, PermanentJobFailure, type JobEnd, type JobHandler, type RunningJob, type StopReason } from './job-handler.js';

export interface JobRunnerOptions {
  /** The queues this runner takes jobs from: `app` in the app, `cli:<instance>` in a CLI process. */
  queues: string[];
  logger: Logger;
  /** Long jobs (imports, edit many, exports) run at once by this runner. */
  concurrency?: number;
  /** Light jobs (App Home refreshes, sweeps) run at once besides them. */
  lightConcurrency?: number;
  /** How often it looks for due jobs when not nudged. */
  pollMs?: number;
  /** How long a claim lasts without a renewal. */
  leaseMs?: number;
  /** How often the leases of running jobs are renewed (and cancel requests read). */
  heartbeatMs?: number;
  /** The wait before a failed job's first retry (then 4 times longer each time): 5 s. */
  firstRetryMs?: number;
}

/** The longest delay setTimeout keeps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Backoff of attempt n (1-based): 5 s, 20 s, 80 s, … up to 10 minutes (from `first`, 5 s unless told). */
export function retryDelayMs(attempt: number, first = 5000): number {
  return Math.min(first * 4 ** Math.max(0, attempt - 1), 10 * 60_000);
}

/**
 * Runs jobs: claims due jobs of its queues (one runner per job, under a lease renewed by a
 * heartbeat), runs each through its kind's handler, retries failures with backoff, and at
 * shutdown (`drain`) lets each running job finish its current step, then hands it back to the
 * queue for the next runner. A job whose runner died is taken over when its lease runs out, or at
 * once when its owner was a process of this machine that no longer runs.
 */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  /** Kinds that run on one instance at a time (the recurring sweeps). */
  private readonly alone = new Set<string>();
  private readonly running = new Map<string, Control>();
  private readonly options: Required<Omit<JobRunnerOptions, 'logger' | 'queues'>>;
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private draining = false;
  private started = false;
  private readonly idleWaiters = new Set<() => void>();

  constructor(
    private readonly core: CoreContext,
    private readonly config: JobRunnerOptions,
  ) {
    this.options = {
      concurrency: config.concurrency ?? 2,
      lightConcurrency: config.lightConcurrency ?? 4,
      pollMs: config.pollMs ?? 1000,
      leaseMs: config.leaseMs ?? 60_000,
      heartbeatMs: config.heartbeatMs ?? 10_000,
      firstRetryMs: config.firstRetryMs ?? 5000,
    };
  }

  register(...handlers: JobHandler[]): this {
    for (const handler of handlers) this.handlers.set(handler.kind, handler);
    return this;
  }

  /**
   * Jobs of these kinds (the recurring sweeps: Scheduler) run on one instance of the database at a
   * time: one that finds another instance running its kind ends at once, done, as skipped (the
   * running one does the work). Each slot is one job already (its key); this covers a slot's job
   * still running when the next is due, and the sweeps every instance runs at its start.
   */
  runOneAtATime(kinds: Iterable<string>): this {
    for (const kind of kinds) this.alone.add(kind);
    return this;
  }

  /** Starts looking for jobs (at once, then every pollMs and whenever nudged). */
  start(): void {
    if (this.started || this.draining) return;
    this.started = true;
    this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
    void this.releaseDeadOwners().finally(() => this.nudge());
  }

  /** Looks for due jobs now (after enqueueing one in this process, say). */
  nudge(): void {
    if (!this.started || this.draining) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ticking ??= this.tick().finally(() => {
      this.ticking = null;
      this.settleIdle();
      if (!this.started || this.draining) return;
      this.timer = setTimeout(() => this.nudge(), this.options.pollMs);
      this.timer.unref();
    });
  }

  /** Looks for due jobs at `when` (a job queued to run later), or now if it has come. */
  nudgeAt(when: Date): void {
    const wait = when.getTime() - this.core.now().getTime();
    if (wait <= 0) return this.nudge();
    // Node fires a timer longer than 2^31-1 ms (about 24.8 days) at once: a job months ahead (a scheduled offboarding) is left to the poll.
    if (wait > MAX_TIMER_MS) return;
    const timer = setTimeout(() => this.nudge(), wait);
    timer.unref();
  }

  /**
   * Claims this job (it must be due and of this runner's queues) and runs it here, whether or not
   * the runner was started: how the CLI runs the job it made. Resolves with the job as it ended.
   */
  async runNow(jobId: string): Promise<JobRecord> {
    const claimed = await claimNextJob(
      this.core.db,
      { queues: this.config.queues, kinds: [...this.handlers.keys()], id: jobId },
      this.core.instanceId,
      this.core.now(),
      this.leaseUntil(),
    );
    if (claimed) await this.execute(claimed);
    const record = await findJob(this.core.db, jobId);
    if (!record) throw new Error(`job ${jobId} vanished`);
    return record;
  }

  /** Resolves when no job runs here (for tests and the CLI). */
  idle(): Promise<void> {
    if (this.running.size === 0 && !this.ticking) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.add(resolve));
  }

  /**
   * Stops claiming, asks each running job to stop at its next step, waits for them (at most
   * `timeoutMs`: a step stuck on a slow call must not hold a shutdown past the orchestrator's grace
   * period), and hands them back to the queue: another instance (or this one after a restart) goes
   * on where they stopped. A job still running at the deadline is taken over when its lease ends.
   */
  async drain(timeoutMs = 20_000): Promise<void> {
    this.draining = true;
    if (this.timer) clearTimeout(this.timer);
    for (const control of this.running.values()) control.stop ??= 'drain';
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const stopped = (async () => {
      await this.ticking;
      await Promise.all([...this.running.values()].map((control) => control.done));
    })();
    const late = (await Promise.race([stopped, deadline])) === 'late';
    clearTimeout(timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (late)
      this.config.logger.warn('jobs still running at shutdown; another runner takes them over when their lease ends', { jobs: this.runningIds().join(',') });
  }

  /** Ids of the jobs running here now. */
  runningIds(): string[] {
    return [...this.running.keys()];
  }

  private leaseUntil(): Date {
    return new Date(this.core.now().getTime() + this.options.leaseMs);
  }

  private async tick(): Promise<void> {
    try {
      for (;;) {
        const kinds = this.kindsWithRoom();
        if (this.draining || kinds.length === 0) break;
        const claimed = await claimNextJob(this.core.db, { queues: this.config.queues, kinds }, this.core.instanceId, this.core.now(), this.leaseUntil());
        if (!claimed) break;
        void this.execute(claimed);
      }
    } catch (error) {
      this.config.logger.error('could not claim a job', describeError(error));
    }
  }

  /** The kinds whose lane has a free place. */
  private kindsWithRoom(): string[] {
    const lane = (kind: string) => this.handlers.get(kind)?.lane ?? 'heavy';
    const busy = { light: 0, heavy: 0 };
    for (const control of this.running.values()) busy[lane(control.kind)]++;
    const room = { light: busy.light < this.options.lightConcurrency, heavy: busy.heavy < this.options.concurrency };
    return [...this.handlers.keys()].filter((kind) => room[lane(kind)]);
  }

  private async execute(record: JobRecord): Promise<void> {
    const handler = this.handlers.get(record.kind);
    if (!handler) return;
    let finished!: () => void;
    const control: Control = { kind: record.kind, stop: null, lost: false, inStep: false, done: new Promise<void>((resolve) => (finished = resolve)) };
    this.running.set(record.id, control);
    const owner = this.core.instanceId;
    const log = { job: record.id, kind: record.kind, attempt: record.attempts };
    this.config.logger.info('job started', log);
    try {
      const running = this.runningJob(record, control);
      const end = this.alone.has(record.kind) ? await this.runAlone(handler, running) : await handler.run(running);
      await this.settle(record, handler, end);
    } catch (error) {
      if (error instanceof LeaseLost || control.lost) {
        this.config.logger.warn('job lease lost: another runner has it', log);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        const retry = !(error instanceof PermanentJobFailure) && record.attempts < record.maxAttempts && !control.stop;
        this.config.logger.warn(retry ? 'job attempt failed; retrying' : 'job failed', { ...log, ...describeError(error) });
        const now = this.core.now();
        if (retry)
          await requeueJob(this.core.db, record.id, owner, new Date(now.getTime() + retryDelayMs(record.attempts, this.options.firstRetryMs)), now, {
            error: message,
          });
        else if (await finishJob(this.core.db, record.id, owner, { status: 'failed', error: message }, now))
          await handler
            .ended?.({ ...record, status: 'failed', error: message }, { failed: message })
            .catch((reportError: unknown) => this.config.logger.error('could not report a failed job', { ...log, ...describeError(reportError) }));
      }
    } finally {
      this.running.delete(record.id);
      finished();
      this.settleIdle();
      if (!this.draining) this.nudge();
    }
  }

  private async runAlone(handler: JobHandler, job: RunningJob): Promise<JobEnd> {
    const ran = await runAlone(this.core.db, `job:${job.record.kind}`, () => handler.run(job));
    if (ran.ran) return ran.value;
    this.config.logger.info('job skipped: another instance is running its kind', { job: job.record.id, kind: job.record.kind });
    return { done: { skipped: 'another instance was running it' } };
  }

  private async settle(record: JobRecord, handler: JobHandler, end: JobEnd): Promise<void> {
    const now = this.core.now();
    const owner = this.core.instanceId;
    if ('done' in end) {
      await finishJob(this.core.db, record.id, owner, { status: 'succeeded', result: end.done }, now);
      this.config.logger.info('job finished', { job: record.id, kind: record.kind });
    } else if (end.stopped === 'cancel') {
      if (await finishJob(this.core.db, record.id, owner, { status: 'cancelled' }, now))
        await handler.ended?.({ ...record, status: 'cancelled' }, { cancelled: true });
      this.config.logger.info('job cancelled', { job: record.id, kind: record.kind });
    } else {
      // Drained: back to the queue at once, the attempt not counted (nothing failed).
      await requeueJob(this.core.db, record.id, owner, now, now, { refund: true });
      this.config.logger.info('job handed back at shutdown', { job: record.id, kind: record.kind });
    }
  }

  private runningJob(record: JobRecord, control: Control): RunningJob {
    const runner = this;
    let progress = record.progress;
    return {
      record,
      get progress() {
        return progress;
      },
      stopRequested: () => control.stop,
      async step(work, progressOf) {
        if (control.lost) throw new LeaseLost(record.id);
        let next: Record<string, unknown> | undefined;
        control.inStep = true;
        const value = await transaction(runner.core, async (tx) => {
          // The lease first: from here to the COMMIT the job's row is this step's, so a runner that
          // takes the job over (the lease ran out) waits for the step to end and then finds the lease
          // renewed, and a step of a runner that lost the lease does no work at all.
          const owner = runner.core.instanceId;
          if (!(await renewLease(tx, record.id, owner, runner.leaseUntil(), runner.core.now()))) throw new LeaseLost(record.id);
          const result = await work(tx);
          next = progressOf ? { ...progress, ...progressOf(result) } : undefined;
          if (next && !(await renewLease(tx, record.id, owner, runner.leaseUntil(), runner.core.now(), next))) throw new LeaseLost(record.id);
          return result;
        }).finally(() => (control.inStep = false));
        if (value.ok && next) progress = next;
        return value;
      },
      async saveProgress(update) {
        const next = { ...progress, ...update };
        if (!(await renewLease(runner.core.db, record.id, runner.core.instanceId, runner.leaseUntil(), runner.core.now(), next))) {
          control.lost = true;
          throw new LeaseLost(record.id);
        }
        progress = next;
      },
    };
  }

  /**
   * Renews the lease of every job running here and reads cancel requests, side by side. A job in
   * the middle of a step is left to it: the step holds the job's row (its own renewal first) and
   * renews the lease again as it commits; a renewal here would wait for that row.
   */
  private async beat(): Promise<void> {
    await Promise.all(
      [...this.running].map(async ([id, control]) => {
        if (control.inStep) return;
        try {
          if (!(await renewLease(this.core.db, id, this.core.instanceId, this.leaseUntil(), this.core.now()))) control.lost = true;
          else if (await cancelRequested(this.core.db, id)) control.stop ??= 'cancel';
        } catch (error) {
          this.config.logger.warn('could not renew a job lease', { job: id, ...describeError(error) });
        }
      }),
    );
  }

  /** Jobs held by processes of this machine that no longer run are free at once, not after their lease. */
  private async releaseDeadOwners(): Promise<void> {
    try {
      const dead = (await runningLeaseOwners(this.core.db)).filter((owner) => ownerIsGone(owner, this.core.instanceId));
      const released = await expireLeasesOf(this.core.db, dead, this.core.now());
      if (released > 0) this.config.logger.info('took back jobs of a stopped process', { jobs: released });
    } catch (error) {
      this.config.logger.warn('could not look for jobs of stopped processes', describeError(error));
    }
  }

  private settleIdle(): void {
    if (this.running.size > 0 || this.ticking) return;
    for (const resolve of this.idleWaiters) resolve();
    this.idleWaiters.clear();
  }
}

interface Control {
  kind: string;
  stop: StopReason | null;
  lost: boolean;
  /** A step's transaction is open (it holds the job's row). */
  inStep: boolean;
  done: Promise<void>;
}

/** A lease owner (`<host>:<pid>:<random>`, see newInstanceId) of this machine whose process is gone. */
export function ownerIsGone(owner: string, self: string): boolean {
  const [host, pidText] = owner.split(':');
  if (owner === self || host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  // This process has that pid now (a restarted container is pid 1 again): the owner was its predecessor.
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
