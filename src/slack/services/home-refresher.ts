import type { Change } from '../../core/context.js';
import { describeError } from '../../log.js';
import type { ListenerDeps } from '../deps.js';
import { refreshHome } from './refresh-home.js';

/** How long after opening it a member counts as having their App Home open (Slack does not say when it closes). */
export const HOME_WATCH_MS = 30 * 60_000;
/** At most one publish per member this often; changes in between are folded into one trailing publish. */
export const HOME_REFRESH_INTERVAL_MS = 2_000;

interface Watcher {
  teamId: string;
  openedAt: number;
  lastPublishedAt: number;
  timer: NodeJS.Timeout | null;
}

/**
 * The one App Home refresh path: the core reports each change (`CoreContext.onChange`), and this
 * re-publishes the App Home of the members of that workspace who have it open, and of the member who
 * made the change, throttled per member so an import's batches or a burst of changes cost one
 * publish every couple of seconds, not one each.
 */
export class HomeRefresher {
  private readonly watchers = new Map<string, Watcher>();

  constructor(
    private readonly deps: Pick<ListenerDeps, 'core' | 'slack' | 'logger'>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A member opened their App Home: publish it now, and keep it fresh while they may be looking. */
  async opened(teamId: string, userId: string): Promise<void> {
    const watcher = this.watch(teamId, userId);
    watcher.openedAt = this.clock();
    await this.publish(userId, watcher);
  }

  /** The core stored a change: refresh those watching that workspace, and whoever made it. */
  changed(change: Change): void {
    const now = this.clock();
    for (const [userId, watcher] of this.watchers) {
      // Forgotten only when no publish is pending and the last one is out of the throttle window, so
      // a member who makes changes without their Home open (an import's batches) is still throttled.
      if (now - watcher.openedAt > HOME_WATCH_MS && !watcher.timer && this.waitFor(watcher) === 0) this.watchers.delete(userId);
    }
    const members = new Set([...this.watchers].filter(([, w]) => w.teamId === change.teamId).map(([userId]) => userId));
    if (change.bySlackMember) members.add(change.bySlackMember);
    for (const userId of members) this.schedule(userId, this.watch(change.teamId, userId));
  }

  /** In how many ms the member's App Home will be published (a publish is pending), else undefined. */
  publishDueIn(userId: string): number | undefined {
    const watcher = this.watchers.get(userId);
    return watcher?.timer ? this.waitFor(watcher) : undefined;
  }

  /** Stops pending publishes (at shutdown). */
  stop(): void {
    for (const watcher of this.watchers.values()) if (watcher.timer) clearTimeout(watcher.timer);
    this.watchers.clear();
  }

  private watch(teamId: string, userId: string): Watcher {
    let watcher = this.watchers.get(userId);
    if (!watcher) this.watchers.set(userId, (watcher = { teamId, openedAt: 0, lastPublishedAt: 0, timer: null }));
    return watcher;
  }

  private schedule(userId: string, watcher: Watcher): void {
    if (watcher.timer) return;
    watcher.timer = setTimeout(() => {
      watcher.timer = null;
      void this.publish(userId, watcher);
    }, this.waitFor(watcher));
    watcher.timer.unref();
  }

  /** How long until the member's next publish may go (the throttle). */
  private waitFor(watcher: Watcher): number {
    return Math.max(0, watcher.lastPublishedAt + HOME_REFRESH_INTERVAL_MS - this.clock());
  }

  private async publish(userId: string, watcher: Watcher): Promise<void> {
    watcher.lastPublishedAt = this.clock();
    try {
      await refreshHome(this.deps, watcher.teamId, userId);
    } catch (error) {
      this.deps.logger.warn('could not refresh an App Home', { user: userId, ...describeError(error) });
    }
  }
}
