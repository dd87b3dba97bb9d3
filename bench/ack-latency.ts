/**
 * `npm run bench -- ack`: time to acknowledge `/users add`, `/licenses`, the Add user form's
 * submission (its review) and Finish (which makes the user), with signed HTTP requests against the running app (its own process, fresh SQLite
 * file, Web API calls to the fake Slack API on loopback), open loop and closed loop; then the same
 * for a bare Bolt app as a baseline.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { productByPartNumber } from '../src/core/catalogue/catalogue.js';
import { type FakeSlack, startFakeSlack } from '../test/support/fake-slack-api.js';
import { SlackClientSim, multiStaticSelect, plainText, externalSelect } from '../test/support/slack-requests.js';
import { type AppProcess, spawnServer } from './app-process.js';
import { measureBareBolt } from './bare-bolt.js';
import { formatProfile, summarizeProfile } from './cpu-profile.js';
import { type Figure, LOAD_HEADER, LOAD_RIGHT, type SuiteOptions, fmt, loadRow, table } from './figures.js';
import { type LoadResult, runLoadInWorker, startNullServer } from './load.js';
import { type Measured, type PhaseConfig, type Scenario, callsOk, measure, phaseConfig } from './measure.js';
import { OWNER, addUserModal, openedView, seedTenant } from './seed.js';
import { seedDirectoryUsers } from './seed-directory.js';
import { blockSuggestionPayload } from '../test/support/slack-requests.js';
import { openAddUserDraft, sealAddUserDraft } from '../src/core/users/add-user-draft.js';
import { ALIAS_PLACEHOLDER, commandBody, finishBody, viewSubmissionBody } from './slack-bodies.js';
import type { QuietBudget } from './system-load.js';

export const TARGET_P99_MS = 20;
export const TARGET_THROUGHPUT = 200;
/** `/users add` beside the bare Bolt app measured in the same run: at least this share of its closed-loop throughput… */
export const TARGET_SHARE_OF_BARE = 0.5;
/** …and an open-loop p99 at most this many times its p99. */
export const TARGET_P99_OVER_BARE = 1.5;

const SUITE = 'ack';

/** The Add user form's answers as the bench submits them (one username per request). */
function addUserValues(basic: { skuId: string }) {
  return {
    firstName: { value: plainText('Bench') },
    lastName: { value: plainText('User') },
    alias: { value: plainText(ALIAS_PLACEHOLDER) },
    usageLocation: { value: externalSelect('NL') },
    licenses: { value: multiStaticSelect([basic.skuId]) },
  };
}

/**
 * Submits the Add user form once, for real, and returns its review view and answers; Finish
 * requests then carry those answers sealed again with Roster's key, each with its own username.
 */
async function addUserReview(sim: SlackClientSim, form: Record<string, unknown>, key: Buffer) {
  const basic = productByPartNumber('O365_BUSINESS_ESSENTIALS');
  if (!basic) throw new Error('O365_BUSINESS_ESSENTIALS is not in the catalogue');
  const values = { ...addUserValues(basic), alias: { value: plainText('bench.review') } };
  const res = await sim.viewSubmission(form, values, { userId: OWNER });
  const review = (res.body as { view?: Record<string, unknown> }).view;
  const owner = { teamId: sim.identity.teamId, slackUserId: OWNER };
  const answers = review && openAddUserDraft(key, String(review.private_metadata), owner, new Date());
  if (!review || !answers) throw new Error(`the Add user form did not answer with its review: ${JSON.stringify(res.body).slice(0, 300)}`);
  const reviewView = { ...review, id: form.id, hash: form.hash };
  const drafts = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => sealAddUserDraft(key, { ...answers, alias: `${prefix}${i}` }, owner, new Date()));
  return { view: reviewView, drafts };
}

function rosterScenarios(
  app: AppProcess,
  fake: FakeSlack,
  sim: SlackClientSim,
  signingSecret: string,
  addUserView: Record<string, unknown>,
  review: Awaited<ReturnType<typeof addUserReview>>,
): Scenario[] {
  const url = `${app.baseUrl}/slack/events`;
  const responseUrl = () => fake.issueResponseUrl({ channelId: 'C0GENERAL1', userId: OWNER });
  const run = randomBytes(3).toString('hex');
  const basic = productByPartNumber('O365_BUSINESS_ESSENTIALS');
  if (!basic) throw new Error('O365_BUSINESS_ESSENTIALS is not in the catalogue');
  return [
    {
      name: '/users add',
      target: (_phase, count) => ({
        url,
        signingSecret,
        body: commandBody(sim.identity, {
          command: '/users',
          text: 'add',
          userId: OWNER,
          responseUrl: responseUrl(),
          // Issued now, used within the run: the fake is started with a long trigger TTL.
          triggerIds: Array.from({ length: count }, () => fake.issueTriggerId({ userId: OWNER })),
        }),
        expect: { bodyEmpty: true },
      }),
      afterAck: (f) => callsOk(f, 'views.open'),
    },
    {
      name: '/licenses',
      target: () => ({
        url,
        signingSecret,
        body: commandBody(sim.identity, { command: '/licenses', text: '', userId: OWNER, responseUrl: responseUrl() }),
        expect: { bodyIncludes: 'O365_BUSINESS_ESSENTIALS' },
      }),
      afterAck: (f) => `${f.calls().length} Web API calls`,
    },
    {
      name: 'Add user form (its review)',
      target: (phase) => ({
        url,
        signingSecret,
        body: viewSubmissionBody(sim.identity, {
          view: addUserView,
          userId: OWNER,
          aliasPrefix: `r${run}${phase === 'warmup-closed' ? 'x' : phase[0]}`,
          values: addUserValues(basic),
        }),
        expect: { bodyExcludes: '"response_action":"errors"', bodyIncludes: '"callback_id":"roster_add_user_review"' },
      }),
      afterAck: (f) => `${f.calls().length} Web API calls`,
    },
    {
      name: 'Add user submission',
      target: (phase, count) => ({
        url,
        signingSecret,
        body: finishBody(sim.identity, {
          review: review.view,
          userId: OWNER,
          drafts: review.drafts(`b${run}${phase === 'warmup-closed' ? 'x' : phase[0]}`, count),
        }),
        expect: { bodyExcludes: '"response_action":"errors"', bodyIncludes: '"response_action":"update"' },
      }),
      afterAck: (f) => `${callsOk(f, 'chat.postMessage')}, ${callsOk(f, 'views.publish')}`,
    },
  ];
}

const DIRECTORY_USERS = 100_000;

/** Typing "ana.s" in the Licenses assign form's user picker: Slack's block_suggestion, answered with up to 20 users. */
function typeAheadScenario(app: AppProcess, sim: SlackClientSim, signingSecret: string, view: Record<string, unknown>): Scenario {
  const payload = blockSuggestionPayload(sim.identity, { userId: OWNER, view, blockId: 'licenseUsers', actionId: 'value', value: 'ana.s' });
  return {
    name: 'Licenses assign type-ahead (100k users)',
    target: () => ({
      url: `${app.baseUrl}/slack/events`,
      signingSecret,
      body: { contentType: 'application/x-www-form-urlencoded', template: new URLSearchParams({ payload: JSON.stringify(payload) }).toString() },
      expect: { bodyIncludes: '"options":[{' },
    }),
    afterAck: (f) => `${f.calls().length} Web API calls`,
  };
}

/** The generator against a server that does nothing (on the bench's main thread): its own floor and ceiling. */
async function loadgenSelfCheck(cfg: PhaseConfig, quick: boolean): Promise<{ open: LoadResult; closed: LoadResult }> {
  const { server, port } = await startNullServer();
  const target = {
    url: `http://127.0.0.1:${port}/`,
    signingSecret: 'abc123',
    body: { contentType: 'application/x-www-form-urlencoded', template: 'x='.padEnd(1000, 'y') },
    expect: { bodyEmpty: true },
  };
  const durationMs = quick ? 1000 : 2000;
  try {
    const open = await runLoadInWorker({ kind: 'open', target, ratePerSecond: cfg.rate, durationMs });
    const closed = await runLoadInWorker({ kind: 'closed', target, concurrency: cfg.concurrency, durationMs, maxRequests: 100_000 });
    return { open, closed };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function figuresOf(m: Measured, prefix = ''): Figure[] {
  const f: Figure[] = [];
  const name = `${prefix}${m.scenario}`;
  if (m.open) {
    const r = m.open.result;
    f.push({ suite: SUITE, name: `${name}: open-loop p50`, value: r.latency.p50, unit: 'ms' });
    f.push({ suite: SUITE, name: `${name}: open-loop p99`, value: r.latency.p99, unit: 'ms', target: prefix ? undefined : { op: '<', value: TARGET_P99_MS } });
    f.push({ suite: SUITE, name: `${name}: open-loop max`, value: r.latency.max, unit: 'ms' });
    f.push({ suite: SUITE, name: `${name}: open-loop errors`, value: r.errors, unit: '', target: { op: '=', value: 0 }, note: `of ${r.sent}` });
  }
  if (m.closed) {
    const r = m.closed.result;
    f.push({
      suite: SUITE,
      name: `${name}: closed-loop throughput`,
      value: r.throughput,
      unit: 'req/s',
      target: prefix ? undefined : { op: '>=', value: TARGET_THROUGHPUT },
    });
    f.push({ suite: SUITE, name: `${name}: closed-loop p99`, value: r.latency.p99, unit: 'ms' });
    f.push({ suite: SUITE, name: `${name}: closed-loop errors`, value: r.errors, unit: '', target: { op: '=', value: 0 }, note: `of ${r.sent}` });
  }
  return f;
}

/** `/users add` as a share of the bare Bolt app's figures, both measured in this run. */
function againstBare(add: Measured | undefined, bare: Measured): Figure[] {
  const f: Figure[] = [];
  if (add?.closed && bare.closed) {
    f.push({
      suite: SUITE,
      name: '/users add: closed-loop throughput / bare Bolt',
      value: (add.closed.result.throughput / bare.closed.result.throughput) * 100,
      unit: '%',
      target: { op: '>=', value: TARGET_SHARE_OF_BARE * 100 },
      note: `${fmt(add.closed.result.throughput)} / ${fmt(bare.closed.result.throughput)} req/s`,
    });
  }
  if (add?.open && bare.open) {
    f.push({
      suite: SUITE,
      name: '/users add: open-loop p99 / bare Bolt',
      value: add.open.result.latency.p99 / bare.open.result.latency.p99,
      unit: '×',
      target: { op: '<=', value: TARGET_P99_OVER_BARE },
      note: `${fmt(add.open.result.latency.p99)} / ${fmt(bare.open.result.latency.p99)} ms`,
    });
  }
  return f;
}

function printMeasured(log: (line: string) => void, all: Measured[]): void {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const m of all) {
    for (const run of [m.open, m.closed]) {
      if (!run) continue;
      rows.push(loadRow(m.scenario, run.result, { appCpuMsPerReq: run.appCpuMsPerReq }));
      const loop = run.result.kind === 'open' ? 'open' : 'closed';
      notes.push(
        `  ${m.scenario} (${loop}): after the acks ${run.afterAck ?? '-'}; fake Slack thread busy ${Math.round(run.fakeBusy * 100)}%; other processes ${fmt(run.otherCores)} cores`,
      );
      const slow = run.result.slowest.map((x) => `${fmt(x.latencyMs)} ms @${fmt(x.sentAtMs / 1000)} s`).join(', ');
      notes.push(`    slowest: ${slow}`);
      if (run.result.errors > 0) {
        notes.push(`    errors ${JSON.stringify(run.result.errorKinds)}${run.result.errorSamples.length ? `: ${run.result.errorSamples.join(' | ')}` : ''}`);
      }
    }
  }
  log(`\n${table(LOAD_HEADER, rows, LOAD_RIGHT)}\n${notes.join('\n')}\n`);
}

export async function ackSuite(options: SuiteOptions): Promise<Figure[]> {
  const { log } = options;
  const cfg = phaseConfig(options.quick);
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-ack-'));
  const secretKey = randomBytes(32);
  const profDir = path.join(dir, 'cpu-prof');
  if (options.cpuProf) mkdirSync(profDir);
  const signingSecret = randomBytes(16).toString('hex');
  // Long trigger TTL: trigger ids are issued before a run starts, not at each request's send time.
  const fake = await startFakeSlack({ triggerTtlMs: 10 * 60_000 });
  let app: AppProcess | undefined;
  const figures: Figure[] = [];
  try {
    log('load generator self-check (against a do-nothing local server)...');
    const self = await loadgenSelfCheck(cfg, options.quick);
    log(table(LOAD_HEADER, [loadRow('do-nothing server', self.open), loadRow('do-nothing server', self.closed)], LOAD_RIGHT));
    figures.push({ suite: SUITE, name: 'load generator alone: open-loop p99', value: self.open.latency.p99, unit: 'ms' });
    figures.push({ suite: SUITE, name: `load generator alone: ${cfg.concurrency} in flight`, value: self.closed.throughput, unit: 'req/s' });

    log(`\nstarting Roster (node dist/src/main.js, as npm start${options.cpuProf ? ' --cpu-prof' : ''}), fresh database in ${dir}`);
    app = await spawnServer({
      name: 'roster',
      script: 'dist/src/main.js',
      launcher: 'compiled',
      nodeFlags: options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
      env: {
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: fake.apiUrl,
        DATABASE_URL: `file:${path.join(dir, 'roster.db')}`,
        LOG_LEVEL: 'info',
        SLACK_APP_TOKEN: '',
        ROSTER_BOOTSTRAP_ADMINS: '',
        // Known to the bench, which seals the Add user review's answers for Finish as Roster does.
        ROSTER_SECRET_KEY: secretKey.toString('hex'),
      },
      logDir: dir,
    });
    const sim = new SlackClientSim({ appUrl: `${app.baseUrl}/slack/events`, signingSecret, fake });
    await seedTenant(sim, fake);
    const view = await addUserModal(sim, fake);
    const review = await addUserReview(sim, view, secretKey);
    log(`seeded: Contoso, ${'O365_BUSINESS_ESSENTIALS'} seats bought; Add user form has ${(view.blocks as unknown[]).length} blocks`);

    const measured: Measured[] = [];
    const budget: QuietBudget = { remainingMs: options.quick ? 5000 : 30_000 };
    for (const scenario of rosterScenarios(app, fake, sim, signingSecret, view, review)) {
      measured.push(await measure(fake, app, scenario, cfg, { open: true, closed: true }, log, budget));
    }
    // The Licenses assign form's user picker: type-ahead (block_suggestion) with 100,000 users in the directory.
    await seedDirectoryUsers(`file:${path.join(dir, 'roster.db')}`, DIRECTORY_USERS);
    const beforeAssign = fake.calls().length;
    await sim.command('/licenses', 'assign O365_BUSINESS_ESSENTIALS', { userId: OWNER });
    const assignView = await openedView(fake, beforeAssign);
    log(`seeded: ${DIRECTORY_USERS.toLocaleString('en')} more users in the directory`);
    measured.push(await measure(fake, app, typeAheadScenario(app, sim, signingSecret, assignView), cfg, { open: true, closed: false }, log, budget));
    const code = await app.stop();
    app = undefined;
    if (code !== 0) log(`warning: Roster exited with code ${code} on SIGTERM`);

    log('\nbaseline: bare Bolt app');
    const bare = await measureBareBolt(fake, { signingSecret, logDir: dir, cfg, userId: OWNER, log, budget });
    printMeasured(log, [...measured, bare]);
    for (const m of measured) figures.push(...figuresOf(m));
    figures.push(...figuresOf(bare, 'baseline '));
    figures.push(
      ...againstBare(
        measured.find((m) => m.scenario === '/users add'),
        bare,
      ),
    );
    const background = [...measured, bare]
      .flatMap((m) => [m.open?.otherCores, m.closed?.otherCores])
      .filter((c): c is number => c !== undefined && !Number.isNaN(c));
    if (background.length) {
      figures.push({
        suite: SUITE,
        name: 'CPU used by other processes during the runs, worst run',
        value: Math.max(...background),
        unit: 'cores',
        note: 'should be ~0',
      });
    }

    if (options.cpuProf) {
      const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
      if (files.length === 0) log('no CPU profile was written (did Roster exit cleanly?)');
      // One profile per thread: the app's main thread, and the ESM loader-hooks thread tsx uses
      // (busy only while modules load). Only the busiest one is worth reading.
      const profiles = files
        .map((file) => ({ file: path.join(profDir, file), summary: summarizeProfile(path.join(profDir, file)) }))
        .sort((a, b) => b.summary.totalMs - b.summary.idleMs - (a.summary.totalMs - a.summary.idleMs));
      const [main, ...others] = profiles;
      if (main) {
        log(`\nCPU profile of Roster's main thread during the ack suite (${main.file}):`);
        log(formatProfile(main.summary));
      }
      for (const other of others) log(`(also ${other.file}: another thread, busy ${Math.round(other.summary.totalMs - other.summary.idleMs)} ms, not shown)`);
      log(`\nnote: the figures of a --cpu-prof run include the profiler's overhead; compare runs without it. Profile kept in ${profDir}`);
    }
  } finally {
    if (app) await app.stop();
    await fake.close();
    if (!options.cpuProf) rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
