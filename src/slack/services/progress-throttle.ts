/**
 * Sends progress at most once per interval and never two at once (updates that come too soon are
 * dropped: only the latest state matters); `finish` waits for the update in flight, then always
 * sends the final state. `send` must not throw: it reports its own failures.
 */
export class ProgressThrottle<T> {
  private lastSent = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly send: (value: T) => Promise<void>,
    private readonly intervalMs: number,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  push(value: T): void {
    const now = this.clock();
    if (this.inFlight || now - this.lastSent < this.intervalMs) return;
    this.lastSent = now;
    this.inFlight = this.send(value).finally(() => {
      this.inFlight = null;
    });
  }

  async finish(value: T): Promise<void> {
    await this.inFlight;
    this.lastSent = this.clock();
    await this.send(value);
  }
}
