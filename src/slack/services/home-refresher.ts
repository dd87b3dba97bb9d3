import { subMinutes } from 'date-fns';
import type { Change } from '../../core/context.js';
import { enqueue } from '../../core/jobs/enqueue.js';
import { PermanentJobFailure, type JobHandler } from '../../core/jobs/job-handler.js';
import { HOME_WATCH_MINUTES } from '../../core/jobs/sweep-jobs.js';
import { describeError } from '../../log.js';
import { homeWatchers, watchHome } from '../../store/change-events.js';
import type { ListenerDeps } from '../deps.js';
import { WorkspaceNotInstalled, type SlackPorts } from '../slack-ports.js';
import { refreshHome, type HomeDeps } from './refresh-home.js';

/** What the refresher needs: the core, the Slack port of each workspace (each Home is published with its own workspace's token), the log. */
export type HomeRefresherDeps = Omit<HomeDeps, 'slack'> & { ports: SlackPorts } & Pick<ListenerDeps, 'logger'>;

/** At most one publish per member per interval; changes in one interval are folded into one publish at its end. */
export const HOME_REFRESH_INTERVAL_MS = 2_000;

export const HOME_REFRESH_JOB = 'home.refresh';

/**
 * The one App Home refresh path. Every change goes through the change feed, whichever process made
 * it (this instance, another one, the CLI); for each, the members of that workspace who opened
 * their App Home in the last 30 minutes (HomeWatch, shared by every instance) and the member who
 * made the change get a `home.refresh` job keyed by member and 2-second slot: a burst of changes
 * (an import's batches) is one publish at the slot's end, on whichever instance runs it.
 */
export class HomeRefresher {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly deps: HomeRefresherDeps,
    private readonly intervalMs = HOME_REFRESH_INTERVAL_MS,
  ) {}

  /** A member opened their App Home: publish it now, and keep it fresh while they may be looking. */
  async opened(teamId: string, userId: string): Promise<void> {
    await watchHome(this.deps.core.db, teamId, userId, this.deps.core.now());
    await this.publish(teamId, userId);
  }

  /** A change was stored (told by the change feed): queue the refreshes it calls for. */
  changed(change: Change): void {
    const work = this.queueRefreshes(change)
      .catch((error: unknown) => this.deps.logger.warn('could not queue App Home refreshes', describeError(error)))
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** Waits for the refreshes being queued (at shutdown, and in tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** The job that publishes one member's App Home. */
  job(): JobHandler {
    return {
      kind: HOME_REFRESH_JOB,
      lane: 'light',
      run: async (job) => {
        const { teamId, userId } = job.record.payload as { teamId: string; userId: string };
        await this.publish(teamId, userId).catch((error: unknown) => {
          // Roster was removed from the workspace meanwhile: no refresh can reach it.
          throw error instanceof WorkspaceNotInstalled ? new PermanentJobFailure(error.message) : error;
        });
        return { done: {} };
      },
    };
  }

  /** Publishes one member's Home in their workspace, with that workspace's port. */
  private async publish(teamId: string, userId: string): Promise<void> {
    const { ports, ...deps } = this.deps;
    await refreshHome({ ...deps, slack: await ports.forTeam(teamId) }, teamId, userId);
  }

  private async queueRefreshes(change: Change): Promise<void> {
    const { core } = this.deps;
    const now = core.now();
    const members = new Set(await homeWatchers(core.db, change.teamId, subMinutes(now, HOME_WATCH_MINUTES)));
    if (change.bySlackMember) members.add(change.bySlackMember);
    const slot = Math.floor(now.getTime() / this.intervalMs);
    const runAt = new Date((slot + 1) * this.intervalMs);
    for (const userId of members) {
      await enqueue(core, {
        tenantId: change.tenantId,
        kind: HOME_REFRESH_JOB,
        key: `home:${change.teamId}:${userId}:${slot}`,
        payload: { teamId: change.teamId, userId },
        requestedBy: 'roster:changes',
        runAt,
        maxAttempts: 1,
      });
    }
  }
}
