/**
 * `npm run bench -- busy`: how fast does Roster still acknowledge `/licenses` while it runs a
 * 50,000-row import in the same process? The import goes through Slack as a person would do it
 * (share the CSV, "Choose settings and add N users", submit the settings); once its progress
 * message appears, `/licenses` is sent open loop at 20 requests a second for 10 s (or until the
 * import ends). Target p99 < 50 ms. Baseline: the same load before the import.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSampleImportFile } from '../test/support/sample-import-file.js';
import { startFakeSlack } from '../test/support/fake-slack-api.js';
import { SlackClientSim } from '../test/support/slack-requests.js';
import type { AppProcess } from './app-process.js';
import { resumedImport } from './busy-resumed.js';
import {
  addImportChannel,
  IMPORT_ROWS,
  RATE,
  isUpdateOf,
  licensesTarget,
  measureLicenses,
  measureLicensesDuringImport,
  shareAndPreview,
  startImportThroughSlack,
  startRoster,
} from './busy-steps.js';
import { formatProfile, summarizeProfile } from './cpu-profile.js';
import { type Figure, LOAD_HEADER, LOAD_RIGHT, type SuiteOptions, fmt, loadRow, table } from './figures.js';
import { runLoadInWorker } from './load.js';
import { OWNER, seedTenant } from './seed.js';
import { type QuietBudget, waitForQuiet } from './system-load.js';

const SUITE = 'busy';
export const TARGET_P99_MS = 50;
const SEATS = 60_000;
const DOMAIN = 'contoso.onmicrosoft.com';

function printProfile(profDir: string, log: (line: string) => void): void {
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return log('no CPU profile was written (did Roster exit cleanly?)');
  const profiles = files
    .map((file) => ({ file: path.join(profDir, file), summary: summarizeProfile(path.join(profDir, file), 25) }))
    .sort((a, b) => b.summary.totalMs - b.summary.idleMs - (a.summary.totalMs - a.summary.idleMs));
  for (const [i, p] of profiles.entries()) {
    if (i === 0)
      log(`\nCPU profile of Roster's busiest thread over its whole life (seeding, preview, baseline, import) (${p.file}):\n${formatProfile(p.summary)}`);
    else log(`(also ${p.file}: another thread, busy ${Math.round(p.summary.totalMs - p.summary.idleMs)} ms, not shown)`);
  }
  log(`\nnote: a --cpu-prof run's figures include the profiler's overhead. Profile kept in ${profDir}`);
}

export async function busySuite(options: SuiteOptions): Promise<Figure[]> {
  const { log } = options;
  const durationMs = options.quick ? 3_000 : 10_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-busy-'));
  const profDir = path.join(dir, 'cpu-prof');
  if (options.cpuProf) mkdirSync(profDir);
  const signingSecret = randomBytes(16).toString('hex');
  const fake = await startFakeSlack();
  const running: { app?: AppProcess } = {};
  let app: AppProcess | undefined;
  try {
    const csv = path.join(dir, 'new-hires.csv');
    const written = await writeSampleImportFile(csv, IMPORT_ROWS, { domain: DOMAIN });
    log(`${IMPORT_ROWS.toLocaleString('en')}-row admin-center CSV generated (${fmt(written.bytes / 1048576)} MB)`);
    log(`starting Roster (node dist/src/main.js, as npm start${options.cpuProf ? ' --cpu-prof' : ''}), fresh database in ${dir}`);
    app = await startRoster(fake, { dir, name: 'roster', signingSecret, nodeFlags: options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [] });
    const sim = new SlackClientSim({ appUrl: `${app.baseUrl}/slack/events`, signingSecret, fake });
    await seedTenant(sim, fake, SEATS);
    await addImportChannel(sim);
    const target = licensesTarget(app, sim, fake, signingSecret);
    const budget: QuietBudget = { remainingMs: options.quick ? 5_000 : 30_000 };
    await runLoadInWorker({ kind: 'open', target, ratePerSecond: RATE, durationMs: 1000 }); // warm-up, not reported

    log(`baseline: /licenses at ${RATE}/s for ${durationMs / 1000} s, no import running`);
    await waitForQuiet(budget, () => app?.cpuMs(), log);
    const baseline = await measureLicenses(app, target, durationMs);

    log(`sharing the CSV (${SEATS.toLocaleString('en')} Business Basic seats bought) and waiting for the preview…`);
    const shared = performance.now();
    const preview = await shareAndPreview(fake, sim, readFileSync(csv));
    const previewMs = performance.now() - shared;
    log(`preview after ${fmt(previewMs / 1000)} s; choosing the settings and adding the users`);

    await waitForQuiet(budget, () => app?.cpuMs(), log);
    const before = fake.calls().length;
    const submittedAt = performance.now();
    await startImportThroughSlack(fake, sim, preview);
    await fake.waitFor(isUpdateOf(preview.ts, /^Adding users from/), { after: before, timeoutMs: 60_000 });
    const progressAt = performance.now();
    log(
      `progress message shown ${fmt(progressAt - submittedAt)} ms after the submission; /licenses at ${RATE}/s for ${durationMs / 1000} s or until the import ends`,
    );
    const { measured: busy, outcome, loadStarted, loadEnded, endedAt } = await measureLicensesDuringImport(app, target, durationMs, fake, preview, before);
    const importMs = (endedAt ?? performance.now()) - submittedAt;
    const during =
      endedAt !== undefined && endedAt < loadEnded
        ? `the import ended ${fmt((endedAt - loadStarted) / 1000)} s into the run, which stopped then`
        : 'the import ran throughout';

    log(
      `\n${table(LOAD_HEADER, [loadRow('/licenses, no import (baseline)', baseline.result), loadRow(`/licenses during the ${IMPORT_ROWS.toLocaleString('en')}-row import`, busy.result)], LOAD_RIGHT)}`,
    );
    for (const [label, m] of [
      ['baseline', baseline],
      ['during the import', busy],
    ] as const) {
      log(
        `  ${label}: Roster used ${fmt(m.appCores)} cores, other processes ${fmt(m.otherCores)} cores; slowest ${m.result.slowest.map((x) => `${fmt(x.latencyMs)} ms @${fmt(x.sentAtMs / 1000)} s`).join(', ')}`,
      );
      if (m.result.errors > 0)
        log(`    errors ${JSON.stringify(m.result.errorKinds)}${m.result.errorSamples.length ? `: ${m.result.errorSamples.join(' | ')}` : ''}`);
    }
    log(`  ${during}; outcome: ${String(outcome.args.text).slice(0, 200)}`);
    log(
      `  import: ${fmt(importMs / 1000)} s from the settings submission to the outcome message (${Math.round(IMPORT_ROWS / (importMs / 1000)).toLocaleString('en')} rows/s)`,
    );

    const name = `/licenses during a ${IMPORT_ROWS.toLocaleString('en')}-row import`;
    const r = busy.result;
    const figures: Figure[] = [
      { suite: SUITE, name: `${name}: open-loop p50`, value: r.latency.p50, unit: 'ms' },
      {
        suite: SUITE,
        name: `${name}: open-loop p99`,
        value: r.latency.p99,
        unit: 'ms',
        target: { op: '<', value: TARGET_P99_MS },
        note: `${(r.windowMs / 1000).toFixed(1)} s, ${r.sent} requests`,
      },
      { suite: SUITE, name: `${name}: open-loop max`, value: r.latency.max, unit: 'ms' },
      { suite: SUITE, name: `${name}: errors`, value: r.errors, unit: '', target: { op: '=', value: 0 }, note: `of ${r.sent}` },
      {
        suite: SUITE,
        name: `import of ${IMPORT_ROWS.toLocaleString('en')} rows, submission → outcome`,
        value: importMs / 1000,
        unit: 's',
        note: String(outcome.args.text).split(' (')[0],
      },
      { suite: SUITE, name: `preview of ${IMPORT_ROWS.toLocaleString('en')} rows, share → preview`, value: previewMs / 1000, unit: 's' },
      { suite: SUITE, name: 'baseline /licenses, no import: open-loop p50', value: baseline.result.latency.p50, unit: 'ms' },
      { suite: SUITE, name: 'baseline /licenses, no import: open-loop p99', value: baseline.result.latency.p99, unit: 'ms' },
      { suite: SUITE, name: 'baseline /licenses, no import: open-loop max', value: baseline.result.latency.max, unit: 'ms' },
      {
        suite: SUITE,
        name: 'baseline /licenses, no import: errors',
        value: baseline.result.errors,
        unit: '',
        target: { op: '=', value: 0 },
        note: `of ${baseline.result.sent}`,
      },
      {
        suite: SUITE,
        name: 'CPU used by other processes during the runs, worst run',
        value: Math.max(baseline.otherCores, busy.otherCores),
        unit: 'cores',
        note: 'should be ~0',
      },
    ];
    // Let the results DMs go out before stopping, so Roster exits cleanly (and writes its profile).
    await fake
      .waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${OWNER}`, { after: before, timeoutMs: 60_000 })
      .catch(() => undefined);
    const code = await app.stop();
    app = undefined;
    if (code !== 0) log(`warning: Roster exited with code ${code} on SIGTERM`);
    if (options.cpuProf) printProfile(profDir, log);

    if (!options.quick || process.env.BENCH_RESUMED) {
      const resumedDir = path.join(dir, 'resumed');
      mkdirSync(resumedDir);
      const resumed = await resumedImport(fake, { dir: resumedDir, csv, seats: SEATS, signingSecret, durationMs, log }, running);
      const m = resumed.measured;
      log(
        `\n${table(LOAD_HEADER, [loadRow(`/licenses during the ${IMPORT_ROWS.toLocaleString('en')}-row import`, busy.result), loadRow('/licenses during the resumed import', m.result)], LOAD_RIGHT)}`,
      );
      log(
        `  resumed: Roster used ${fmt(m.appCores)} cores, other processes ${fmt(m.otherCores)} cores; slowest ${m.result.slowest.map((x) => `${fmt(x.latencyMs)} ms @${fmt(x.sentAtMs / 1000)} s`).join(', ')}`,
      );
      if (m.result.errors > 0)
        log(`    errors ${JSON.stringify(m.result.errorKinds)}${m.result.errorSamples.length ? `: ${m.result.errorSamples.join(' | ')}` : ''}`);
      log(`  outcome: ${resumed.outcome.slice(0, 200)}`);
      const resumedName = `/licenses during a resumed ${IMPORT_ROWS.toLocaleString('en')}-row import (SIGKILL, restart)`;
      figures.push(
        { suite: SUITE, name: `${resumedName}: open-loop p50`, value: m.result.latency.p50, unit: 'ms' },
        {
          suite: SUITE,
          name: `${resumedName}: open-loop p99`,
          value: m.result.latency.p99,
          unit: 'ms',
          target: { op: '<', value: TARGET_P99_MS },
          note: `${(m.result.windowMs / 1000).toFixed(1)} s, ${m.result.sent} requests; during the normal import ${fmt(r.latency.p99)} ms`,
        },
        { suite: SUITE, name: `${resumedName}: open-loop max`, value: m.result.latency.max, unit: 'ms' },
        { suite: SUITE, name: `${resumedName}: errors`, value: m.result.errors, unit: '', target: { op: '=', value: 0 }, note: `of ${m.result.sent}` },
        {
          suite: SUITE,
          name: 'resumed import: restart → resumed by the job runner',
          value: resumed.resumedAfterMs / 1000,
          unit: 's',
          note: "the dead runner's lease (60 s) runs out first",
        },
      );
    }
    return figures;
  } finally {
    if (app) await app.stop();
    if (running.app) await running.app.stop();
    await fake.close();
    if (!options.cpuProf) rmSync(dir, { recursive: true, force: true });
  }
}
