/**
 * How much CPU *other* processes take while the bench runs (the machine is shared: tests or other
 * benches may be running). Read from /proc/stat minus the bench's own and the app's CPU time, so
 * every figure can be printed with the background load it was measured under.
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100

export interface CpuSnapshot {
  at: number;
  /** Busy CPU time of the whole machine, ms (undefined when /proc/stat cannot be read). */
  machineBusyMs?: number;
  /** CPU time of this process (all its threads), ms. */
  benchMs: number;
  /** CPU time of the server under test, ms. */
  appMs?: number;
}

function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * TICK_MS;
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(appMs?: number): CpuSnapshot {
  const usage = process.cpuUsage();
  return { at: performance.now(), machineBusyMs: machineBusyMs(), benchMs: (usage.user + usage.system) / 1000, appMs };
}

/** Cores used by processes other than the bench and the app between two snapshots (NaN if unknown). */
export function otherCores(a: CpuSnapshot, b: CpuSnapshot): number {
  if (a.machineBusyMs === undefined || b.machineBusyMs === undefined) return Number.NaN;
  const elapsed = b.at - a.at;
  if (elapsed <= 0) return Number.NaN;
  const ours = b.benchMs - a.benchMs + ((b.appMs ?? 0) - (a.appMs ?? 0));
  return Math.max(0, (b.machineBusyMs - a.machineBusyMs - ours) / elapsed);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A bounded amount of waiting, shared by the runs of one suite. */
export interface QuietBudget {
  remainingMs: number;
}

/**
 * Waits (within the budget) until other processes use less than `maxCores` over half a second.
 * Returns the last measured background load, in cores.
 */
export async function waitForQuiet(budget: QuietBudget, appCpuMs: () => number | undefined, log: (line: string) => void, maxCores = 0.25): Promise<number> {
  let announced = false;
  for (;;) {
    const a = cpuSnapshot(appCpuMs());
    await sleep(500);
    const b = cpuSnapshot(appCpuMs());
    const others = otherCores(a, b);
    if (!(others >= maxCores)) return others;
    budget.remainingMs -= 500;
    if (budget.remainingMs <= 0) {
      log(`  other processes use ${others.toFixed(2)} cores; measuring anyway (the figures are disturbed)`);
      return others;
    }
    if (!announced) {
      log(`  other processes use ${others.toFixed(2)} cores; waiting up to ${Math.round(budget.remainingMs / 1000)} s for the machine to quieten`);
      announced = true;
    }
  }
}
