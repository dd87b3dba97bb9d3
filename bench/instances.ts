/**
 * `npm run bench -- instances` (issue 15): several Roster instances behind one URL, on one
 * PostgreSQL database (BENCH_POSTGRES_URL, else TEST_POSTGRES_URL; each run in a schema of its
 * own, dropped after). Three instances (`node dist/src/main.js`, as `npm start`); a 100,000-row
 * import is started through the first, and its job runs on whichever instance claims it. While it
 * runs, `/licenses` on one of the two others and `/users add` on the last, open loop at 20/s each
 * for 10 s: p99 < 50 ms. Then the instance running the import is killed (SIGKILL): another claims
 * the job when its lease runs out (60 s, renewed every 10 s) and finishes it, every row made once
 * (`roster check` finds nothing wrong). Last, the same import through one instance on SQLite and
 * on PostgreSQL with nothing else running: rows/s side by side.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { type FakeSlack, startFakeSlack } from '../test/support/fake-slack-api.js';
import { writeSampleImportFile } from '../test/support/sample-import-file.js';
import { SlackClientSim } from '../test/support/slack-requests.js';
import type { AppProcess } from './app-process.js';
import {
  addImportChannel,
  IMPORT_TIMEOUT_MS,
  RATE,
  isUpdateOf,
  licensesTarget,
  measureLicenses,
  shareAndPreview,
  startImportThroughSlack,
  startRoster,
} from './busy-steps.js';
import { type Figure, LOAD_HEADER, LOAD_RIGHT, type SuiteOptions, fmt, loadRow, table } from './figures.js';
import type { LoadTarget } from './load.js';
import { OWNER, seedTenant } from './seed.js';
import { commandBody } from './slack-bodies.js';

const SUITE = 'instances';
const TARGET_P99_MS = 50;
/** The job lease (core/jobs/job-runner.ts) and how often it is renewed: a dead instance's job is free within about this. */
const LEASE_S = 60;
const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A schema of its own in the server's database, as a URL whose search_path is it. */
async function newSchema(base: string, log: (line: string) => void): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `roster_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  log(`PostgreSQL schema ${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.end();
    },
  };
}

/** The import's job as the database has it: who holds it (`<host>:<pid>:<random>`), and its state. */
async function importJob(url: string): Promise<{ owner: string | null; status: string; attempts: number } | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ leaseOwner: string | null; status: string; attempts: number }>(
      `SELECT "leaseOwner", status, attempts FROM "Job" WHERE kind = 'import' ORDER BY "createdAt" DESC LIMIT 1`,
    );
    return rows[0] ? { owner: rows[0].leaseOwner, status: rows[0].status, attempts: rows[0].attempts } : null;
  } finally {
    await client.end();
  }
}

/** Active users of the database (the owner and those the import made). */
async function activeUsers(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "DirectoryUser" WHERE "deletedAt" IS NULL`);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** One instance's Slack client, its organization seeded (by the first) and the CSV's channel an import channel. */
async function prepared(fake: FakeSlack, app: AppProcess, signingSecret: string, seats: number): Promise<SlackClientSim> {
  const sim = new SlackClientSim({ appUrl: `${app.baseUrl}/slack/events`, signingSecret, fake });
  await seedTenant(sim, fake, seats);
  await addImportChannel(sim);
  return sim;
}

/** The whole import through one instance with nothing else running: rows per second from the settings' submission to the outcome. */
async function importRate(fake: FakeSlack, app: AppProcess, signingSecret: string, csv: string, rows: number, ts: string): Promise<number> {
  const sim = await prepared(fake, app, signingSecret, rows);
  const preview = await shareAndPreview(fake, sim, readFileSync(csv), ts);
  const before = fake.calls().length;
  const submitted = performance.now();
  await startImportThroughSlack(fake, sim, preview, rows);
  const outcome = await fake.waitFor(isUpdateOf(preview.ts, /^Imported /), { after: before, timeoutMs: IMPORT_TIMEOUT_MS });
  if (!String(outcome.args.text).includes(`${rows} created, 0 not created`)) throw new Error(`import outcome: ${String(outcome.args.text).slice(0, 200)}`);
  return rows / ((performance.now() - submitted) / 1000);
}

export async function instancesSuite(options: SuiteOptions): Promise<Figure[]> {
  const { log } = options;
  const base = process.env.BENCH_POSTGRES_URL || process.env.TEST_POSTGRES_URL;
  if (!base) {
    log('skipped: set BENCH_POSTGRES_URL (or TEST_POSTGRES_URL) to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/test');
    return [];
  }
  const rows = options.quick ? 20_000 : 100_000;
  const durationMs = options.quick ? 3_000 : 10_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-instances-'));
  const signingSecret = randomBytes(16).toString('hex');
  const secret = { ROSTER_SECRET_KEY: randomBytes(32).toString('hex') };
  // An import of 100,000 rows is over the default limits (50,000 rows, 20 MB): an admin raises them so.
  const limits = { ROSTER_IMPORT_MAX_ROWS: String(rows), ROSTER_IMPORT_MAX_BYTES: String(64 * 1024 * 1024) };
  const fake = await startFakeSlack({ triggerTtlMs: 10 * 60_000 });
  const apps: AppProcess[] = [];
  const schemas: { drop: () => Promise<void> }[] = [];
  try {
    const csv = path.join(dir, 'new-hires.csv');
    const written = await writeSampleImportFile(csv, rows, { domain: 'contoso.onmicrosoft.com' });
    log(`${rows.toLocaleString('en')}-row admin-center CSV generated (${fmt(written.bytes / 1048576)} MB)`);
    const shared = await newSchema(base, log);
    schemas.push(shared);
    for (const name of ['instance-a', 'instance-b', 'instance-c']) {
      const instanceDir = path.join(dir, name);
      mkdirSync(instanceDir);
      apps.push(await startRoster(fake, { dir: instanceDir, name, signingSecret, databaseUrl: shared.url, env: { ...secret, ...limits } }));
    }
    log(`three instances on one PostgreSQL database: ports ${apps.map((a) => a.port).join(', ')}`);
    const first = apps[0]!;
    const sim = await prepared(fake, first, signingSecret, rows);
    const preview = await shareAndPreview(fake, sim, readFileSync(csv));
    const before = fake.calls().length;
    const submitted = performance.now();
    await startImportThroughSlack(fake, sim, preview, rows);
    await fake.waitFor(isUpdateOf(preview.ts, /^Adding users from/), { after: before, timeoutMs: 60_000 });
    const job = await importJob(shared.url);
    const importer = apps.find((app) => job?.owner?.split(':')[1] === String(app.child.pid));
    if (!importer || !job?.owner) throw new Error(`no instance runs the import (its job: ${JSON.stringify(job)})`);
    const others = apps.filter((app) => app !== importer);
    log(`the import runs on ${path.basename(importer.logFile, '.out.log')}; /licenses on one other instance, /users add on the last, ${RATE}/s each`);

    const licenses = licensesTarget(others[0]!, sim, fake, signingSecret);
    const addUser: LoadTarget = {
      url: `${others[1]!.baseUrl}/slack/events`,
      signingSecret,
      body: commandBody(sim.identity, {
        command: '/users',
        text: 'add',
        userId: OWNER,
        responseUrl: fake.issueResponseUrl({ channelId: 'C0GENERAL1', userId: OWNER }),
        triggerIds: Array.from({ length: Math.ceil((RATE * durationMs) / 1000) + 50 }, () => fake.issueTriggerId({ userId: OWNER })),
      }),
      expect: { bodyEmpty: true },
    };
    const [onLicenses, onAdd] = await Promise.all([measureLicenses(others[0]!, licenses, durationMs), measureLicenses(others[1]!, addUser, durationMs)]);
    log(
      `\n${table(LOAD_HEADER, [loadRow('/licenses (another instance)', onLicenses.result), loadRow('/users add (the third instance)', onAdd.result)], LOAD_RIGHT)}`,
    );

    const still = await importJob(shared.url);
    let takeoverMs: number | undefined;
    if (still?.status === 'running' && still.owner === job.owner) {
      const killedAt = performance.now();
      await importer.kill();
      log(`the importing instance killed (SIGKILL) ${fmt((killedAt - submitted) / 1000)} s into the import; waiting for another to take its job`);
      for (;;) {
        const now = await importJob(shared.url);
        if (now?.owner && now.owner !== job.owner) break;
        if (now?.status === 'succeeded') break;
        if (performance.now() - killedAt > (LEASE_S + 60) * 1000) throw new Error('no instance took the import over');
        await sleep(250);
      }
      takeoverMs = performance.now() - killedAt;
      log(`taken over ${fmt(takeoverMs / 1000)} s after the kill`);
    } else log('the import ended before the kill: nothing to take over (a faster machine: raise the rows)');
    const outcome = await fake.waitFor(isUpdateOf(preview.ts, /^Imported /), { after: before, timeoutMs: IMPORT_TIMEOUT_MS });
    const importedS = (performance.now() - submitted) / 1000;
    const users = (await activeUsers(shared.url)) - 1;
    const check = await run(process.execPath, [path.resolve('dist/src/cli/main.js'), 'check'], {
      env: { ...process.env, DATABASE_URL: shared.url, ...secret },
    }).then(
      () => 0,
      (error: { code?: number; stdout?: string }) => {
        log(`roster check: ${error.stdout ?? ''}`);
        return error.code ?? 1;
      },
    );
    log(`  outcome: ${String(outcome.args.text).slice(0, 160)}; ${users.toLocaleString('en')} users made; roster check exit ${check}`);
    for (const app of apps.splice(0)) await app.stop();

    log(`\nthe same ${rows.toLocaleString('en')}-row import through one instance, nothing else running: SQLite, then PostgreSQL`);
    const sqliteDir = path.join(dir, 'sqlite');
    mkdirSync(sqliteDir);
    const onSqlite = await startRoster(fake, { dir: sqliteDir, name: 'sqlite', signingSecret, env: limits });
    apps.push(onSqlite);
    const sqliteRate = await importRate(fake, onSqlite, signingSecret, csv, rows, '1800000003.000100');
    await onSqlite.stop();
    apps.length = 0;
    const alone = await newSchema(base, log);
    schemas.push(alone);
    const pgDir = path.join(dir, 'postgres');
    mkdirSync(pgDir);
    const onPostgres = await startRoster(fake, { dir: pgDir, name: 'postgres', signingSecret, databaseUrl: alone.url, env: { ...secret, ...limits } });
    apps.push(onPostgres);
    const postgresRate = await importRate(fake, onPostgres, signingSecret, csv, rows, '1800000004.000100');
    log(`  SQLite ${Math.round(sqliteRate).toLocaleString('en')} rows/s, PostgreSQL ${Math.round(postgresRate).toLocaleString('en')} rows/s`);

    const name = `during a ${rows.toLocaleString('en')}-row import on another instance`;
    const load = (label: string, m: typeof onLicenses): Figure[] => [
      { suite: SUITE, name: `${label} ${name}: open-loop p50`, value: m.result.latency.p50, unit: 'ms' },
      {
        suite: SUITE,
        name: `${label} ${name}: open-loop p99`,
        value: m.result.latency.p99,
        unit: 'ms',
        target: { op: '<', value: TARGET_P99_MS },
        note: `${(m.result.windowMs / 1000).toFixed(1)} s, ${m.result.sent} requests`,
      },
      { suite: SUITE, name: `${label} ${name}: errors`, value: m.result.errors, unit: '', target: { op: '=', value: 0 }, note: `of ${m.result.sent}` },
    ];
    return [
      ...load('/licenses', onLicenses),
      ...load('/users add', onAdd),
      ...(takeoverMs === undefined
        ? []
        : [
            {
              suite: SUITE,
              name: 'importing instance killed: another took its job over after',
              value: takeoverMs / 1000,
              unit: 's',
              target: { op: '<' as const, value: LEASE_S + 5 },
              note: `lease ${LEASE_S} s, renewed every 10 s`,
            },
          ]),
      { suite: SUITE, name: 'users the import made (exactly once)', value: users, unit: '', target: { op: '=', value: rows } },
      { suite: SUITE, name: 'roster check after it (exit code)', value: check, unit: '', target: { op: '=', value: 0 } },
      { suite: SUITE, name: 'import with the kill and take-over, submission → outcome', value: importedS, unit: 's' },
      { suite: SUITE, name: `${rows.toLocaleString('en')}-row import alone on SQLite`, value: sqliteRate, unit: 'rows/s' },
      {
        suite: SUITE,
        name: `${rows.toLocaleString('en')}-row import alone on PostgreSQL`,
        value: postgresRate,
        unit: 'rows/s',
        note: `SQLite ${Math.round(sqliteRate)} rows/s`,
      },
    ];
  } finally {
    for (const app of apps) await app.stop();
    await fake.close();
    for (const schema of schemas) await schema.drop();
    if (process.env.BENCH_KEEP) log(`the instances' logs are kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
