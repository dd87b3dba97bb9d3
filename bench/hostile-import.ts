/**
 * `npm run bench -- hostile`: while hostile CSV files (a header and ~20 million blank lines; a
 * header and one row of ~20 million commas, each just under the 20 MB limit) are shared in a
 * channel again and again, how fast does Roster still acknowledge `/users help`? Open loop at
 * 20 requests a second; target p99 < 100 ms. Also: how long each hostile file took to be refused,
 * and then how ten long-row files shared at once are answered (long-row-files.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FakeSlack, startFakeSlack } from '../test/support/fake-slack-api.js';
import { SlackClientSim } from '../test/support/slack-requests.js';
import { type AppProcess, spawnServer } from './app-process.js';
import { type Figure, LOAD_HEADER, LOAD_RIGHT, type SuiteOptions, fmt, loadRow, table } from './figures.js';
import { type LoadTarget, runLoadInWorker } from './load.js';
import { longRowFilesAtOnce } from './long-row-files.js';
import { OWNER, seedTenant } from './seed.js';
import { commandBody } from './slack-bodies.js';
import { summarize } from './stats.js';

const SUITE = 'hostile';
export const TARGET_P99_MS = 100;
/** Refusing a hostile file, from the upload event to the answer in its thread. */
export const TARGET_REFUSAL_MS = 5_000;
const CHANNEL = 'C0BENCHCSV1';
const HEADER =
  'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region\n';
const MAX_BYTES = 20 * 1024 * 1024;
/** How long after the run an upload still being read may take to be answered. */
const GRACE_MS = 20_000;
/** Each file is shared again once answered, but at most once a second. */
const SHARE_EVERY_MS = 1_000;

/** The two files of the security review, each 1 KB under the 20 MB limit. */
export function hostileFiles(): { name: string; bytes: Buffer }[] {
  const room = MAX_BYTES - 1024 - HEADER.length;
  return [
    { name: 'blank-lines.csv', bytes: Buffer.from(HEADER + '\n'.repeat(room)) },
    { name: 'wide-row.csv', bytes: Buffer.from(`${HEADER}${','.repeat(room - 1)}\n`) },
  ];
}

interface Refusal {
  name: string;
  ms: number | undefined;
  answer: string;
}

let uploads = 0;
/** Shares `file` in the channel (a new upload each time) and resolves when Roster answers in its thread. */
async function shareAndWait(fake: FakeSlack, sim: SlackClientSim, file: { name: string; bytes: Buffer }, until: Promise<void>): Promise<Refusal> {
  const uploaded = fake.addFile({ name: file.name, user: OWNER, bytes: file.bytes });
  const ts = `1800000${String(++uploads).padStart(3, '0')}.000100`;
  const started = performance.now();
  const after = fake.calls().length;
  // Roster reads no channel messages: Slack sends file_shared, and files.info names the message (ts).
  uploaded.shares = { public: { [CHANNEL]: [{ ts }] } };
  await sim.event({ type: 'file_shared', file_id: uploaded.id, user_id: OWNER, file: { id: uploaded.id }, channel_id: CHANNEL });
  const answered = fake
    .waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts, { after, timeoutMs: 10 * 60_000 })
    .then((call) => ({ name: file.name, ms: performance.now() - started, answer: String(call.args.text) }));
  // A file still being read GRACE_MS after the load ended counts as not refused.
  const gaveUp = until.then(() => new Promise<void>((resolve) => setTimeout(resolve, GRACE_MS)));
  return Promise.race([answered, gaveUp.then(() => ({ name: file.name, ms: undefined, answer: `(no answer ${GRACE_MS / 1000} s after the run)` }))]);
}

export async function hostileImportSuite(options: SuiteOptions): Promise<Figure[]> {
  const { log } = options;
  const durationMs = options.quick ? 3_000 : 10_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-hostile-'));
  const signingSecret = randomBytes(16).toString('hex');
  const fake = await startFakeSlack();
  let app: AppProcess | undefined;
  try {
    log(`starting Roster (node dist/src/main.js, as npm start), fresh database in ${dir}`);
    app = await spawnServer({
      name: 'roster',
      script: 'dist/src/main.js',
      launcher: 'compiled',
      env: {
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: fake.apiUrl,
        DATABASE_URL: `file:${path.join(dir, 'roster.db')}`,
        LOG_LEVEL: 'info',
        SLACK_APP_TOKEN: '',
        ROSTER_BOOTSTRAP_ADMINS: '',
      },
      logDir: dir,
    });
    const sim = new SlackClientSim({ appUrl: `${app.baseUrl}/slack/events`, signingSecret, fake });
    await seedTenant(sim, fake);
    // Roster verifies files only in its DM and in import channels.
    await sim.command('/users', 'import-channel add', { userId: OWNER, channelId: CHANNEL });
    const files = hostileFiles();
    const responseUrl = fake.issueResponseUrl({ channelId: CHANNEL, userId: OWNER });
    const target: LoadTarget = {
      url: `${app.baseUrl}/slack/events`,
      signingSecret,
      body: commandBody(sim.identity, { command: '/users', text: 'help', userId: OWNER, responseUrl }),
      expect: { bodyIncludes: '/users add' },
    };
    await runLoadInWorker({ kind: 'open', target, ratePerSecond: 20, durationMs: 1000 }); // warm-up, not reported

    log(
      `/users help at 20/s for ${durationMs / 1000} s while ${files.map((f) => `${f.name} (${fmt(f.bytes.length / 1024 / 1024)} MB)`).join(' and ')} are shared, each again once answered (at most once a second)`,
    );
    const load = runLoadInWorker({ kind: 'open', target, ratePerSecond: 20, durationMs });
    const loadDone = load.then(() => undefined);
    let running = true;
    void loadDone.then(() => (running = false));
    const refusals: Refusal[] = [];
    await Promise.all(
      files.map(async (file) => {
        while (running) {
          const next = new Promise((resolve) => setTimeout(resolve, SHARE_EVERY_MS));
          refusals.push(await shareAndWait(fake, sim, file, loadDone));
          await next;
        }
      }),
    );
    const result = await load;

    log(`\n${table(LOAD_HEADER, [loadRow('/users help during hostile previews', result)], LOAD_RIGHT)}`);
    log(`  slowest: ${result.slowest.map((x) => `${fmt(x.latencyMs)} ms @${fmt(x.sentAtMs / 1000)} s`).join(', ')}`);
    if (result.errors > 0) log(`  errors ${JSON.stringify(result.errorKinds)}`);
    const figures: Figure[] = [
      { suite: SUITE, name: '/users help during hostile previews: open-loop p50', value: result.latency.p50, unit: 'ms' },
      {
        suite: SUITE,
        name: '/users help during hostile previews: open-loop p99',
        value: result.latency.p99,
        unit: 'ms',
        target: { op: '<', value: TARGET_P99_MS },
      },
      { suite: SUITE, name: '/users help during hostile previews: open-loop max', value: result.latency.max, unit: 'ms' },
      {
        suite: SUITE,
        name: '/users help during hostile previews: errors',
        value: result.errors,
        unit: '',
        target: { op: '=', value: 0 },
        note: `of ${result.sent}`,
      },
    ];
    for (const file of files) {
      const mine = refusals.filter((r) => r.name === file.name);
      const answered = mine.filter((r) => r.ms !== undefined).map((r) => r.ms!);
      log(`  ${file.name}: shared ${mine.length} times, refused ${answered.length}; answer: ${mine[0]?.answer.slice(0, 200) ?? '-'}`);
      const worst = answered.length === mine.length && answered.length > 0 ? summarize(answered).max : Number.NaN;
      figures.push({
        suite: SUITE,
        name: `${file.name}: slowest refusal`,
        value: worst,
        unit: 'ms',
        target: { op: '<', value: TARGET_REFUSAL_MS },
        note: `${answered.length} of ${mine.length} shares answered`,
      });
    }
    figures.push(...(await longRowFilesAtOnce(fake, sim, CHANNEL, app.child.pid, SUITE, log)));
    return figures;
  } finally {
    if (app) await app.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
