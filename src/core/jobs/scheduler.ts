import { describeError, type Logger } from '../../log.js';
import type { CoreContext } from '../context.js';
import { enqueue } from './enqueue.js';

/** A job every instance asks for on a schedule; one job per slot runs, on whichever instance claims it. */
export interface Recurring {
  kind: string;
  everyMs: number;
  /** Also once at each start (what fell due while Roster was stopped). */
  atStart?: boolean;
}

/** How the audit and job records name the schedule. */
export const SCHEDULE_ACTOR = 'roster:schedule';

/**
 * Queues recurring jobs: every instance asks for each slot (`<kind>@<slot number>`), and the job's
 * key makes it one job per slot whatever the number of instances; the runner that claims it runs it.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly core: CoreContext,
    private readonly recurring: readonly Recurring[],
    private readonly logger: Logger,
    private readonly tickMs = 30_000,
  ) {}

  async start(): Promise<void> {
    for (const job of this.recurring.filter((r) => r.atStart))
      await this.ask(job.kind, `${job.kind}@start:${this.core.instanceId}`).catch((error: unknown) =>
        this.logger.error('could not schedule a job', { kind: job.kind, ...describeError(error) }),
      );
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Asks for the current slot of every recurring job (a slot already asked for is not asked again). */
  async tick(): Promise<void> {
    const now = this.core.now().getTime();
    for (const job of this.recurring) {
      const slot = Math.floor(now / job.everyMs);
      await this.ask(job.kind, `${job.kind}@${slot}`).catch((error: unknown) =>
        this.logger.error('could not schedule a job', { kind: job.kind, ...describeError(error) }),
      );
    }
  }

  private ask(kind: string, key: string) {
    return enqueue(this.core, { tenantId: null, kind, key, payload: {}, requestedBy: SCHEDULE_ACTOR, maxAttempts: 2 });
  }
}
