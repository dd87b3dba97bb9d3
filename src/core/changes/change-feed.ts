import type { Logger } from '../../log.js';
import { changeEventsAfter, insertChangeEvent, lastChangeSeq } from '../../store/change-events.js';
import type { Db } from '../../store/database.js';
import { describeError } from '../../log.js';
import type { Change } from '../context.js';

type Listener = (change: Change) => void;

const PAGE = 200;
const WHAT: readonly string[] = ['organization', 'users', 'licenses', 'import'] satisfies Change['what'][];
const isWhat = (what: string): what is Change['what'] => WHAT.includes(what);

/**
 * The change feed: every change the core stores is recorded as a row (ChangeEvent), whichever
 * process made it. Subscribers of this process hear of its own changes at once; `follow` also
 * reads, every `pollMs`, the changes other processes recorded (another instance, the CLI), so what
 * follows the feed (App Home refreshes) sees every change.
 */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Set<Promise<void>>();
  private cursor = 0;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly origin: string,
    private readonly now: () => Date,
    private readonly logger: Logger,
  ) {}

  /** Records a stored change (after its transaction) and tells this process's subscribers. */
  record(change: Change): void {
    const write = insertChangeEvent(this.db, { ...change, origin: this.origin }, this.now())
      .catch((error: unknown) => this.logger.warn('could not record a change in the feed', describeError(error)))
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
    this.tell(change);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts reading other processes' changes, from the feed's end as it is now. */
  async follow(pollMs: number): Promise<void> {
    if (this.timer) return;
    this.cursor = await lastChangeSeq(this.db);
    this.timer = setInterval(() => void this.readNew(), pollMs);
    this.timer.unref();
  }

  /** Reads the changes other processes recorded since the last read (the poll does this; tests may too). */
  readNew(): Promise<void> {
    this.reading ??= (async () => {
      try {
        for (;;) {
          const events = await changeEventsAfter(this.db, this.cursor, PAGE);
          for (const event of events) {
            this.cursor = event.seq;
            // This process's own changes were told when recorded.
            if (event.origin !== this.origin && isWhat(event.what))
              this.tell({ tenantId: event.tenantId, teamId: event.teamId, what: event.what, bySlackMember: event.bySlackMember });
          }
          if (events.length < PAGE) return;
        }
      } catch (error) {
        this.logger.warn('could not read the change feed', describeError(error));
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  /** Stops following and waits for the changes being recorded. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reading;
    await Promise.all([...this.pending]);
  }

  private tell(change: Change): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.warn('a change feed subscriber failed', describeError(error));
      }
    }
  }
}
