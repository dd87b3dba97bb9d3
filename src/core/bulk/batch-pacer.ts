/**
 * How many rows the next import transaction takes. A transaction holds the event loop from its first
 * write to its COMMIT (one SQLite connection, synchronous statements), so other people's requests
 * wait for it. (On PostgreSQL the loop is free while the server works; the import counts only the
 * loop's busy time of a transaction, so its batches grow there, to `maxRows`.) Rather than a fixed row count, which is too many on a slow or busy machine and too few
 * on a fast one, the pacer aims each transaction at a time budget, from what the last full ones took.
 */
export class BatchPacer {
  private size: number;

  constructor(
    /** Milliseconds one transaction may hold the event loop. */
    readonly budgetMs = IMPORT_HOLD_BUDGET_MS,
    readonly minRows = 10,
    readonly maxRows = 500,
    firstRows = 50,
  ) {
    this.size = clamp(firstRows, minRows, maxRows);
  }

  /** Rows for the next transaction. */
  get rows(): number {
    return this.size;
  }

  /** A transaction of `rows` rows held the loop `ms`: the next size moves halfway toward what fits the budget. */
  took(rows: number, ms: number): void {
    if (rows <= 0) return;
    const fits = this.budgetMs / Math.max(ms / rows, 0.001);
    const halfway = (this.size + fits) / 2;
    this.size = clamp(fits < this.size ? Math.floor(halfway) : Math.ceil(halfway), this.minRows, this.maxRows);
  }
}

/**
 * The budget: `/licenses` must ack with p99 < 50 ms while a 50,000-row import runs (npm run bench --
 * busy); a request arriving during a transaction waits for the rest of it, then for its own work.
 */
export const IMPORT_HOLD_BUDGET_MS = 12;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
