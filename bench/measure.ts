/**
 * Runs one request type against a running server: a short warm-up, then the open-loop run and the
 * closed-loop run, each on a freshly reset fake, waiting for the app's after-ack Web API calls to
 * finish between runs so one run's tail does not land in the next.
 */
import { performance } from 'node:perf_hooks';
import type { FakeSlack } from '../test/support/fake-slack-api.js';
import type { AppProcess } from './app-process.js';
import { type LoadResult, type LoadTarget, runLoadInWorker } from './load.js';
import { type QuietBudget, cpuSnapshot, otherCores, waitForQuiet } from './system-load.js';

export interface PhaseConfig {
  /** Open loop: arrivals per second. */
  rate: number;
  durationMs: number;
  /** Closed loop: requests in flight. */
  concurrency: number;
  warmupMs: number;
  /** Closed loop: at most this many requests per run. */
  closedCap: number;
}

export function phaseConfig(quick: boolean): PhaseConfig {
  const durationMs = quick ? 2000 : 10_000;
  return { rate: 50, durationMs, concurrency: 20, warmupMs: quick ? 500 : 1000, closedCap: (durationMs / 1000) * 3000 };
}

/** `warmup` precedes the open loop (50/s), `warmup-closed` the closed loop (N in flight); neither is reported. */
export type Phase = 'warmup' | 'open' | 'warmup-closed' | 'closed';

export interface Scenario {
  name: string;
  /** The requests of one run: at most `count` of them (e.g. that many trigger ids are issued). */
  target(phase: Phase, count: number): LoadTarget;
  /** What the app did after its acks, read from the fake (e.g. "views.open 500/500 ok"). */
  afterAck?(fake: FakeSlack, sent: number): string;
}

export interface Run {
  result: LoadResult;
  /** CPU time the server used per request during the run (includes its after-ack work). */
  appCpuMsPerReq?: number;
  /** Share of the bench main thread (the fake Slack API) that was busy. */
  fakeBusy: number;
  /** Cores used by other processes on the machine during the run (background load). */
  otherCores: number;
  afterAck?: string;
}

export interface Measured {
  scenario: string;
  open?: Run;
  closed?: Run;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the fake has seen no new call for `quietMs` (at most `maxMs`). */
export async function settle(fake: FakeSlack, quietMs = 300, maxMs = 15_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let count = fake.calls().length;
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    await sleep(50);
    const now = fake.calls().length;
    if (now !== count) {
      count = now;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) {
      return;
    }
  }
}

interface RunContext {
  fake: FakeSlack;
  app: AppProcess;
  cfg: PhaseConfig;
  budget: QuietBudget;
  log: (line: string) => void;
}

async function run({ fake, app, cfg, budget, log }: RunContext, scenario: Scenario, phase: Phase): Promise<Run> {
  fake.reset(); // keeps memory bounded; seeded users stay
  const warmup = phase === 'warmup' || phase === 'warmup-closed';
  const closed = phase === 'closed' || phase === 'warmup-closed';
  const durationMs = warmup ? cfg.warmupMs : cfg.durationMs;
  if (!warmup) await waitForQuiet(budget, () => app.cpuMs(), log);
  const count = closed ? Math.ceil((cfg.closedCap * durationMs) / cfg.durationMs) : Math.round((cfg.rate * durationMs) / 1000);
  const target = scenario.target(phase, count);
  const cpu0 = app.cpuMs();
  const snap0 = cpuSnapshot(cpu0);
  const elu0 = performance.eventLoopUtilization();
  const result = await runLoadInWorker(
    closed
      ? { kind: 'closed', target, concurrency: cfg.concurrency, durationMs, maxRequests: count }
      : { kind: 'open', target, ratePerSecond: cfg.rate, durationMs },
  );
  const fakeBusy = performance.eventLoopUtilization(elu0).utilization;
  const others = otherCores(snap0, cpuSnapshot(app.cpuMs()));
  await settle(fake);
  const cpu1 = app.cpuMs();
  return {
    result,
    appCpuMsPerReq: cpu0 !== undefined && cpu1 !== undefined && result.sent > 0 ? (cpu1 - cpu0) / result.sent : undefined,
    fakeBusy,
    otherCores: others,
    afterAck: scenario.afterAck?.(fake, result.sent),
  };
}

/** Each loop after a warm-up of its own kind (not reported): the open loop and/or the closed loop. */
export async function measure(
  fake: FakeSlack,
  app: AppProcess,
  scenario: Scenario,
  cfg: PhaseConfig,
  which: { open: boolean; closed: boolean },
  log: (line: string) => void,
  /** How long, in all, runs may wait for other processes to quieten down. */
  budget: QuietBudget = { remainingMs: 20_000 },
): Promise<Measured> {
  const ctx: RunContext = { fake, app, cfg, budget, log };
  const out: Measured = { scenario: scenario.name };
  const warmUp = async (phase: Phase) => {
    const warm = await run(ctx, scenario, phase);
    if (warm.result.errors > 0) {
      log(`  ${phase} of ${scenario.name}: ${warm.result.errors} errors ${JSON.stringify(warm.result.errorKinds)} ${warm.result.errorSamples.join(' | ')}`);
    }
  };
  if (which.open) {
    await warmUp('warmup');
    log(`  ${scenario.name}: open loop, ${cfg.rate}/s for ${cfg.durationMs / 1000} s`);
    out.open = await run(ctx, scenario, 'open');
  }
  if (which.closed) {
    await warmUp('warmup-closed');
    log(`  ${scenario.name}: closed loop, ${cfg.concurrency} in flight for ${cfg.durationMs / 1000} s`);
    out.closed = await run(ctx, scenario, 'closed');
  }
  fake.reset();
  return out;
}

/** "views.open 500/500 ok" for the calls of `method` the fake recorded. */
export function callsOk(fake: FakeSlack, method: string): string {
  const calls = fake.calls(method);
  const ok = calls.filter((c) => c.response.ok).length;
  const failed = calls.filter((c) => !c.response.ok).map((c) => String(c.response.error));
  const why = failed.length ? ` (${[...new Set(failed)].slice(0, 3).join(', ')})` : '';
  return `${method} ${ok}/${calls.length} ok${why}`;
}
