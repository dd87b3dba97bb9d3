/**
 * `npm run bench -- startup`: time from spawning the app to its first `GET /healthz` 200, with a
 * fresh SQLite file each time (so every start applies the migrations), median of 5 starts.
 * Launched as `npm start` launches it, minus npm: node dist/src/main.js (built by npm ci); and, for
 * comparison, `tsx src/main.ts` (npm run dev, straight from the sources).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeSlack } from '../test/support/fake-slack-api.js';
import { LAUNCHERS, type Launcher, spawnServer, waitForLogLine } from './app-process.js';
import { type Figure, type SuiteOptions, fmt, table } from './figures.js';
import { percentile } from './stats.js';
import { type QuietBudget, cpuSnapshot, otherCores, waitForQuiet } from './system-load.js';

export const TARGET_READY_MS = 3000;
const SUITE = 'startup';

interface Start {
  launcher: Launcher;
  readyMs: number;
  startupMs?: number;
  /** Cores used by other processes while this start ran. */
  otherCores: number;
}

const median = (values: number[]) => percentile(Float64Array.from(values).sort(), 0.5);

export async function startupSuite(options: SuiteOptions): Promise<Figure[]> {
  const { log } = options;
  const starts = options.quick ? 3 : 5;
  const launchers: Launcher[] = ['compiled', 'tsx-cli'];
  const fake = await startFakeSlack();
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-startup-'));
  const signingSecret = randomBytes(16).toString('hex');
  const results: Start[] = [];
  const budget: QuietBudget = { remainingMs: options.quick ? 3000 : 15_000 };
  try {
    // Interleaved, so a slow moment of the machine does not land on one launcher only.
    for (let i = 0; i < starts; i++) {
      for (const launcher of launchers) {
        const runDir = mkdtempSync(path.join(dir, `${launcher}-`));
        await waitForQuiet(budget, () => 0, log);
        const before = cpuSnapshot(0);
        const app = await spawnServer({
          name: 'roster',
          script: launcher === 'compiled' ? 'dist/src/main.js' : 'src/main.ts',
          launcher,
          env: {
            SLACK_BOT_TOKEN: fake.botToken,
            SLACK_SIGNING_SECRET: signingSecret,
            SLACK_API_URL: fake.apiUrl,
            DATABASE_URL: `file:${path.join(runDir, 'roster.db')}`,
            LOG_LEVEL: 'info',
            SLACK_APP_TOKEN: '',
            ROSTER_BOOTSTRAP_ADMINS: '',
          },
          logDir: runDir,
          pollMs: 10,
        });
        const others = otherCores(before, cpuSnapshot(app.cpuMs()));
        const ready = await waitForLogLine(app, 'Roster is ready');
        const code = await app.stop();
        const startupMs = typeof ready?.startupMs === 'number' ? ready.startupMs : undefined;
        results.push({ launcher, readyMs: app.readyMs, startupMs, otherCores: others });
        log(
          `  ${launcher.padEnd(11)} start ${i + 1}/${starts}: ready after ${fmt(app.readyMs, 'ms')} (app logged startupMs ${startupMs ?? '?'}; other processes ${fmt(others)} cores; exit code ${code})`,
        );
      }
    }
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const figures: Figure[] = [];
  const rows: string[][] = [];
  for (const launcher of launchers) {
    const mine = results.filter((r) => r.launcher === launcher);
    const ready = mine.map((r) => r.readyMs);
    const logged = mine.flatMap((r) => (r.startupMs === undefined ? [] : [r.startupMs]));
    rows.push([
      LAUNCHERS[launcher].label,
      fmt(median(ready), 'ms'),
      fmt(Math.min(...ready), 'ms'),
      fmt(Math.max(...ready), 'ms'),
      logged.length ? fmt(median(logged), 'ms') : 'n/a',
    ]);
    const primary = launcher === 'compiled';
    figures.push({
      suite: SUITE,
      name: `start → ready, ${primary ? 'node dist/src/main.js (npm start minus npm)' : 'tsx src/main.ts (npm run dev)'}, median of ${mine.length}`,
      value: median(ready),
      unit: 'ms',
      target: primary ? { op: '<', value: TARGET_READY_MS } : undefined,
    });
    if (logged.length) {
      figures.push({ suite: SUITE, name: `startupMs logged by the app ("Roster is ready"), ${launcher}, median`, value: median(logged), unit: 'ms' });
    }
  }
  const background = results.map((r) => r.otherCores).filter((c) => !Number.isNaN(c));
  if (background.length) {
    figures.push({
      suite: SUITE,
      name: 'CPU used by other processes during the starts, worst start',
      value: Math.max(...background),
      unit: 'cores',
      note: 'should be ~0',
    });
  }
  log(`\n${table(['launcher', 'median ready', 'min', 'max', 'median startupMs logged'], rows, [false, true, true, true, true])}`);
  log('startupMs is performance.now() in the app process at "Roster is ready": it excludes the tsx CLI relay process and the first /healthz poll.\n');
  return figures;
}
