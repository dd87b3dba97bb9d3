import type { JobRecord } from '../../domain/jobs.js';
import type { Outcome } from '../result.js';
import type { Db } from '../../store/database.js';

/** Why a running job should stop at its next step: the runner is draining (SIGTERM) or someone cancelled it. */
export type StopReason = 'drain' | 'cancel';

/**
 * A job as its handler runs it. Each unit of work is a `step`: one transaction that first renews
 * the runner's lease (holding the job's row until it commits) and saves the job's progress with
 * its work, so a step is done exactly once: a runner that lost its lease (it stalled past it and
 * another took over) does no work in its step, and a runner taking over waits for a step in flight.
 */
export interface RunningJob {
  readonly record: JobRecord;
  /** Progress saved by the steps so far (a resumed job starts from it). */
  readonly progress: Record<string, unknown>;
  /** Set when the job should stop at the next step boundary; the handler then returns `stopped`. */
  stopRequested(): StopReason | null;
  /** One step: `work` in a transaction with the lease renewed and `progress` (when given) saved with it. */
  step<T>(work: (tx: Db) => Promise<T>, progress?: (value: T) => Record<string, unknown>): Promise<Outcome<T>>;
  /** Saves progress outside a step (after a call to Slack, say): renews the lease too. */
  saveProgress(progress: Record<string, unknown>): Promise<void>;
}

/** How a run ended: done (with what admins see), or stopped at a step boundary (drain or cancel). */
export type JobEnd = { done: Record<string, unknown> } | { stopped: StopReason };

/** What runs the jobs of one kind. Written to be safe on a rerun: a resumed job repeats nothing its progress says was done. */
export interface JobHandler {
  readonly kind: string;
  /** `light` jobs (an App Home refresh, a sweep) have their own places, so long ones never hold them up. Default `heavy`. */
  readonly lane?: 'light' | 'heavy';
  run(job: RunningJob): Promise<JobEnd>;
  /** Told once when the job failed for good (its attempts are spent) or was cancelled, to tell whoever asked. */
  ended?(job: JobRecord, how: { failed: string } | { cancelled: true }): Promise<void>;
}

/** Thrown by a handler for a failure no retry can fix (the file is gone, the organization was deleted). */
export class PermanentJobFailure extends Error {}

/** Thrown in a step when the runner no longer holds the job's lease: the step is rolled back and the runner lets go. */
export class LeaseLost extends Error {
  constructor(jobId: string) {
    super(`job ${jobId}: the lease was lost (another runner took the job over)`);
  }
}
