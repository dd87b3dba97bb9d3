import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../store/database.js';
import { importRowTotals, jobCounts } from '../store/operations.js';

/** How an ack went: with the plan's answer, with "working…" (the answer followed), too late for Slack, or failed. */
export type AckOutcome = 'answered' | 'working' | 'late' | 'failed';

/**
 * What Roster measures, in Prometheus's format (`GET /metrics`): acks by kind and outcome with
 * their latency, Slack Web API calls by method and outcome (429s counted apart), jobs by kind and
 * status and import rows (read from the database at each scrape, so every instance reports the
 * same), and Node's own (event-loop delay, memory, GC) under `roster_process_`/`nodejs_`.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly acks = new Histogram({
    name: 'roster_slack_ack_seconds',
    help: 'Time from a Slack request reaching Roster to its ack, by kind (command, action, view, options, shortcut) and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [this.registry],
  });
  private readonly calls = new Counter({
    name: 'roster_slack_api_calls_total',
    help: 'Slack Web API calls made, by method and outcome (ok, or the error code).',
    labelNames: ['method', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'roster_slack_api_rate_limited_total',
    help: 'Slack answers of HTTP 429 (Retry-After waited out before trying again).',
    registers: [this.registry],
  });

  constructor(db: Db) {
    collectDefaultMetrics({ register: this.registry, prefix: 'roster_process_' });
    new Gauge({
      name: 'roster_jobs',
      help: 'Jobs kept in the database, by kind and status (queued, running, succeeded, failed, cancelled).',
      labelNames: ['kind', 'status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await jobCounts(db)) this.set({ kind: row.kind, status: row.status }, row.count);
      },
    });
    new Gauge({
      name: 'roster_import_rows',
      help: 'Rows of the imports kept in the database: read, created, skipped.',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
      async collect() {
        const totals = await importRowTotals(db);
        for (const [outcome, count] of Object.entries(totals)) this.set({ outcome }, count);
      },
    });
  }

  acked(kind: string, outcome: AckOutcome, seconds: number): void {
    this.acks.observe({ kind, outcome }, seconds);
  }

  slackCall(method: string, outcome: string): void {
    this.calls.inc({ method, outcome });
  }

  slackRateLimited(): void {
    this.rateLimited.inc();
  }

  /** The text `GET /metrics` answers. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
