/**
 * Load generators: open loop (a steady arrival rate, latency measured from each request's
 * *scheduled* send time, so a slow server cannot slow the arrivals down and hide its own queueing:
 * no coordinated omission) and closed loop (N requests always in flight). Every request is signed
 * at send time like Slack signs it and sent over a keep-alive agent.
 *
 * `runLoadInWorker` runs a generator in a worker thread, so the fake Slack API (which lives on the
 * bench's main thread and answers the app's Web API calls) cannot delay sends or response timestamps.
 */
import { Agent, createServer, request, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { signSlackRequest } from '../test/support/slack-requests.js';
import { type Summary, summarize } from './stats.js';

export { type Summary, percentile, summarize } from './stats.js';

/**
 * A request body: `template`, with `placeholder` (if any) replaced by `values[i]` or by
 * `counterPrefix + i` for request i. Pre-built once, so building a request costs a string concat.
 */
export interface BodyTemplate {
  contentType: string;
  template: string;
  placeholder?: string;
  /** e.g. trigger ids issued beforehand by the fake; the generator stops when they run out. */
  values?: string[];
  /** e.g. a unique username per request. */
  counterPrefix?: string;
}

/** What a correct acknowledgement looks like; anything else counts as an error. */
export interface Expectation {
  /** The ack has no body (a plain `ack()`). */
  bodyEmpty?: boolean;
  /** The ack body contains this text. */
  bodyIncludes?: string;
  /** The ack body must not contain this text (e.g. `"response_action":"errors"`). */
  bodyExcludes?: string;
}

export interface LoadTarget {
  url: string;
  signingSecret: string;
  body: BodyTemplate;
  expect: Expectation;
  /** Per-request limit (Slack gives up after 3 s); default 5000 ms. */
  timeoutMs?: number;
}

export interface OpenLoopSpec {
  kind: 'open';
  target: LoadTarget;
  ratePerSecond: number;
  durationMs: number;
  /**
   * Ends the run early: once element 0 of this shared Int32Array is non-zero, no further request
   * is sent (those already sent are awaited). Shared with the worker thread, see `stopSignal`.
   */
  stop?: Int32Array;
}

export interface ClosedLoopSpec {
  kind: 'closed';
  target: LoadTarget;
  concurrency: number;
  durationMs: number;
  /** Hard cap on requests, whatever the speed. */
  maxRequests: number;
}

export type LoadSpec = OpenLoopSpec | ClosedLoopSpec;

export interface LoadResult {
  kind: 'open' | 'closed';
  sent: number;
  /** Answered with a correct ack. */
  ok: number;
  errors: number;
  /** Error kinds → count, e.g. {"HTTP 500": 3, "timeout": 1, "unexpected body": 2}. */
  errorKinds: Record<string, number>;
  /** First few unexpected bodies, cut short, to show what went wrong. */
  errorSamples: string[];
  /** Latency of every answered request in ms (open loop: from the scheduled send time). */
  latency: Summary;
  /** Answered requests per second over the measuring window. */
  throughput: number;
  windowMs: number;
  /** Open loop: actual send time minus scheduled send time, in ms (the generator's own delay). */
  sendLag?: Summary;
  /** Share of the generator thread's time spent busy (event loop utilization, 0..1). */
  generatorBusy: number;
  /** The 5 slowest requests: when they were sent (ms into the run) and how long they took. */
  slowest: { sentAtMs: number; latencyMs: number }[];
}

type Outcome = { ok: true } | { ok: false; kind: string; sample?: string };

class BodySource {
  private readonly parts: string[];
  constructor(private readonly t: BodyTemplate) {
    this.parts = t.placeholder ? t.template.split(t.placeholder) : [t.template];
    if (t.placeholder && this.parts.length !== 2) throw new Error(`placeholder ${t.placeholder} must occur exactly once in the body template`);
  }
  /** How many distinct bodies there are (Infinity unless limited by `values`). */
  get limit(): number {
    return this.t.placeholder && this.t.values ? this.t.values.length : Number.POSITIVE_INFINITY;
  }
  body(i: number): string {
    if (!this.t.placeholder) return this.parts[0]!;
    const value = this.t.values ? this.t.values[i]! : `${this.t.counterPrefix ?? ''}${i}`;
    return this.parts[0]! + value + this.parts[1]!;
  }
}

/** Sends one signed request; resolves when the whole response is read (or it failed). */
function sendOne(agent: Agent, url: URL, target: LoadTarget, body: string): Promise<Outcome> {
  const timeoutMs = target.timeoutMs ?? 5000;
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const headers = {
      'content-type': target.body.contentType,
      'content-length': Buffer.byteLength(body),
      ...signSlackRequest(target.signingSecret, body),
    };
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => done({ ok: false, kind: 'response error' }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return done({ ok: false, kind: `HTTP ${res.statusCode}`, sample: text.slice(0, 300) });
        done(check(text, target.expect));
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, kind: 'timeout' });
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, kind: `network ${e.code ?? e.message}` }));
    req.end(body);
  });
}

function check(text: string, e: Expectation): Outcome {
  if (e.bodyEmpty && text !== '') return { ok: false, kind: 'unexpected body', sample: text.slice(0, 300) };
  if (e.bodyIncludes !== undefined && !text.includes(e.bodyIncludes)) return { ok: false, kind: 'unexpected body', sample: text.slice(0, 300) };
  if (e.bodyExcludes !== undefined && text.includes(e.bodyExcludes)) {
    return { ok: false, kind: e.bodyExcludes.includes('errors') ? 'response_action: errors' : 'unexpected body', sample: text.slice(0, 300) };
  }
  return { ok: true };
}

class Recorder {
  readonly latencies: number[] = [];
  /** When each request was (scheduled to be) sent, ms after t0, parallel to latencies. */
  readonly sentAt: number[] = [];
  constructor(private readonly t0: number) {}
  readonly errorKinds: Record<string, number> = {};
  readonly errorSamples: string[] = [];
  ok = 0;
  errors = 0;
  lastDone = 0;
  record(outcome: Outcome, latencyMs: number, at: number): void {
    this.lastDone = Math.max(this.lastDone, at);
    this.latencies.push(latencyMs);
    this.sentAt.push(at - latencyMs - this.t0);
    if (outcome.ok) {
      this.ok += 1;
      return;
    }
    this.errors += 1;
    this.errorKinds[outcome.kind] = (this.errorKinds[outcome.kind] ?? 0) + 1;
    if (outcome.sample !== undefined && this.errorSamples.length < 3) this.errorSamples.push(outcome.sample);
  }
  /** The slowest requests, to tell a steady queue from a few stalls (and when they happened). */
  slowest(n = 5): { sentAtMs: number; latencyMs: number }[] {
    return this.latencies
      .map((latencyMs, i) => ({ sentAtMs: this.sentAt[i]!, latencyMs }))
      .sort((a, b) => b.latencyMs - a.latencyMs)
      .slice(0, n);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function runOpenLoop(spec: OpenLoopSpec): Promise<LoadResult> {
  const url = new URL(spec.target.url);
  const source = new BodySource(spec.target.body);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const intervalMs = 1000 / spec.ratePerSecond;
  const total = Math.min(Math.round((spec.ratePerSecond * spec.durationMs) / 1000), source.limit);
  const lags: number[] = [];
  const inflight = new Set<Promise<void>>();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now() + 5;
  const rec = new Recorder(t0);
  let i = 0;
  const fire = (n: number, scheduled: number) => {
    lags.push(performance.now() - scheduled);
    const p = sendOne(agent, url, spec.target, source.body(n)).then((outcome) => {
      const now = performance.now();
      rec.record(outcome, now - scheduled, now);
      inflight.delete(p);
    });
    inflight.add(p);
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < total && t0 + i * intervalMs <= now) {
        fire(i, t0 + i * intervalMs);
        i += 1;
      }
      if (i >= total || (spec.stop !== undefined && Atomics.load(spec.stop, 0) !== 0)) return resolve();
      setTimeout(tick, Math.max(0, t0 + i * intervalMs - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  // Every request has its own timeout; this bound is only a safety net.
  await Promise.race([Promise.all([...inflight]), sleep((spec.target.timeoutMs ?? 5000) + 2000)]);
  const elu = performance.eventLoopUtilization(elu0);
  agent.destroy();
  const windowMs = Math.max(1, rec.lastDone - t0);
  return {
    kind: 'open',
    sent: i,
    ok: rec.ok,
    errors: rec.errors + (i - rec.latencies.length),
    errorKinds: i > rec.latencies.length ? { ...rec.errorKinds, unanswered: i - rec.latencies.length } : rec.errorKinds,
    errorSamples: rec.errorSamples,
    latency: summarize(rec.latencies),
    throughput: (rec.latencies.length / windowMs) * 1000,
    windowMs,
    sendLag: summarize(lags),
    generatorBusy: elu.utilization,
    slowest: rec.slowest(),
  };
}

async function runClosedLoop(spec: ClosedLoopSpec): Promise<LoadResult> {
  const url = new URL(spec.target.url);
  const source = new BodySource(spec.target.body);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const cap = Math.min(spec.maxRequests, source.limit);
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const rec = new Recorder(t0);
  const end = t0 + spec.durationMs;
  let next = 0;
  const worker = async () => {
    while (next < cap && performance.now() < end) {
      const n = next++;
      const started = performance.now();
      const outcome = await sendOne(agent, url, spec.target, source.body(n));
      const now = performance.now();
      rec.record(outcome, now - started, now);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const elu = performance.eventLoopUtilization(elu0);
  agent.destroy();
  const windowMs = Math.max(1, rec.lastDone - t0);
  return {
    kind: 'closed',
    sent: next,
    ok: rec.ok,
    errors: rec.errors,
    errorKinds: rec.errorKinds,
    errorSamples: rec.errorSamples,
    latency: summarize(rec.latencies),
    throughput: (rec.latencies.length / windowMs) * 1000,
    windowMs,
    generatorBusy: elu.utilization,
    slowest: rec.slowest(),
  };
}

/** A local HTTP server that reads each request and answers 200 with an empty body: the generator's floor. */
export async function startNullServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, port };
}

/**
 * Warms the generator's own code (HTTP client, signing) against a do-nothing server in this
 * thread, so a fresh worker's JIT warm-up is not counted as server latency. Sends nothing to the target.
 */
async function warmGenerator(target: LoadTarget): Promise<void> {
  const { server, port } = await startNullServer();
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const url = new URL(`http://127.0.0.1:${port}/`);
  const body = new BodySource(target.body).body(0);
  const local: LoadTarget = { ...target, url: url.href, expect: {} };
  try {
    for (let i = 0; i < 50; i++) await Promise.all([0, 1, 2, 3].map(() => sendOne(agent, url, local, body)));
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function runLoad(spec: LoadSpec, options: { warmGenerator?: boolean } = {}): Promise<LoadResult> {
  if (options.warmGenerator !== false) await warmGenerator(spec.target);
  return spec.kind === 'open' ? runOpenLoop(spec) : runClosedLoop(spec);
}

/** A flag for `OpenLoopSpec.stop`: pass `flag` in the spec, call `stop()` to end the run early. */
export function stopSignal(): { flag: Int32Array; stop: () => void } {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  return { flag, stop: () => void Atomics.store(flag, 0, 1) };
}

/** Runs the generator in its own thread (see load-worker.ts); terminated if it overruns by 30 s. */
export function runLoadInWorker(spec: LoadSpec): Promise<LoadResult> {
  const worker = new Worker(new URL('./load-worker-entry.mjs', import.meta.url), { workerData: spec });
  return new Promise<LoadResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`load generator overran its ${spec.durationMs} ms run by 30 s; terminated`));
    }, spec.durationMs + 30_000);
    worker.once('message', (result: LoadResult) => {
      clearTimeout(timer);
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`load generator exited (code ${code}) without a result`));
    });
  });
}
