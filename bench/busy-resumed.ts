/**
 * The `busy` suite's second phase: an import resumed by itself after a crash. Roster imports as
 * a job: a run cut short by a crash is claimed again by the job runner once its lease ends, with no
 * one pressing anything. So: start a 50,000-row import through Slack, SIGKILL Roster's process two
 * seconds into it, start it again on the same database, and once the resumed run updates the
 * progress message, measure `/licenses` open loop (20/s) for 10 s or until the import ends.
 */
import { readFileSync } from 'node:fs';
import type { FakeSlack } from '../test/support/fake-slack-api.js';
import { SlackClientSim } from '../test/support/slack-requests.js';
import type { AppProcess } from './app-process.js';
import {
  addImportChannel,
  RATE,
  isUpdateOf,
  licensesTarget,
  type Measured,
  measureLicensesDuringImport,
  shareAndPreview,
  startImportThroughSlack,
  startRoster,
} from './busy-steps.js';
import { fmt } from './figures.js';
import { runLoadInWorker } from './load.js';
import { OWNER, seedTenant } from './seed.js';

/** How long into the import (after its first progress message) Roster is killed. */
const KILL_AFTER_MS = 2_000;
/** The lease of a job whose runner died is 60 s: the resumed run starts within about that. */
const RESUME_TIMEOUT_MS = 3 * 60_000;

export interface ResumedImport {
  measured: Measured;
  /** From the restart to the resumed run's first progress update. */
  resumedAfterMs: number;
  /** The import's outcome message. */
  outcome: string;
  /** Whether the import was still running when the measurement ended. */
  ranThroughout: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function resumedImport(
  fake: FakeSlack,
  o: { dir: string; csv: string; seats: number; signingSecret: string; durationMs: number; log: (line: string) => void },
  running: { app?: AppProcess },
): Promise<ResumedImport> {
  const { log } = o;
  log(`\nresumed import: a fresh Roster and database in ${o.dir}`);
  let app = await startRoster(fake, { dir: o.dir, name: 'roster-killed', signingSecret: o.signingSecret });
  running.app = app;
  let sim = new SlackClientSim({ appUrl: `${app.baseUrl}/slack/events`, signingSecret: o.signingSecret, fake });
  await seedTenant(sim, fake, o.seats);
  await addImportChannel(sim);
  const preview = await shareAndPreview(fake, sim, readFileSync(o.csv), '1800000002.000100');
  let before = fake.calls().length;
  await startImportThroughSlack(fake, sim, preview);
  await fake.waitFor(isUpdateOf(preview.ts, /^Adding users from/), { after: before, timeoutMs: 60_000 });
  await sleep(KILL_AFTER_MS);
  await app.kill();
  log(`Roster killed (SIGKILL) ${KILL_AFTER_MS / 1000} s into the import; starting it again on the same database`);

  before = fake.calls().length;
  const restartedAt = performance.now();
  app = await startRoster(fake, { dir: o.dir, name: 'roster-restarted', signingSecret: o.signingSecret });
  running.app = app;
  sim = new SlackClientSim({ appUrl: `${app.baseUrl}/slack/events`, signingSecret: o.signingSecret, fake });
  const target = licensesTarget(app, sim, fake, o.signingSecret);
  await runLoadInWorker({ kind: 'open', target, ratePerSecond: RATE, durationMs: 1000 }); // warm-up, not reported
  // The job runner claims the run again once the dead runner's lease has run out; its first progress update says so.
  await fake.waitFor(isUpdateOf(preview.ts, /^Adding users from/), { after: before, timeoutMs: RESUME_TIMEOUT_MS });
  const resumedAfterMs = performance.now() - restartedAt;
  log(
    `the job runner resumed the import ${fmt(resumedAfterMs / 1000)} s after the restart; /licenses at ${RATE}/s for ${o.durationMs / 1000} s or until it ends`,
  );
  const { measured, outcome, loadStarted, loadEnded, endedAt } = await measureLicensesDuringImport(app, target, o.durationMs, fake, preview, before);
  await fake
    .waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${OWNER}`, { after: before, timeoutMs: 60_000 })
    .catch(() => undefined);
  const code = await app.stop();
  running.app = undefined;
  if (code !== 0) log(`warning: the restarted Roster exited with code ${code} on SIGTERM`);
  if (endedAt !== undefined && endedAt < loadEnded) log(`  the resumed import ended ${fmt((endedAt - loadStarted) / 1000)} s into the run, which stopped then`);
  return { measured, resumedAfterMs, outcome: String(outcome.args.text), ranThroughout: endedAt === undefined || endedAt >= loadEnded };
}
