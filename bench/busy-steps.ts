/**
 * The steps of the `busy` suite, shared by its two phases (a normal import, and one resumed by
 * itself after Roster was killed): start Roster as `npm start` does, share a CSV and wait for the
 * preview, start the import through Slack, and measure `/licenses` open loop.
 */
import path from 'node:path';
import { productByPartNumber } from '../src/core/catalogue/catalogue.js';
import { ACTION } from '../src/slack/views/ids.js';
import type { FakeSlack, Message, RecordedCall } from '../test/support/fake-slack-api.js';
import { type SlackClientSim, externalSelect, multiStaticSelect, radio } from '../test/support/slack-requests.js';
import { type AppProcess, spawnServer } from './app-process.js';
import { type LoadResult, type LoadTarget, runLoadInWorker, stopSignal } from './load.js';
import { OWNER } from './seed.js';
import { commandBody } from './slack-bodies.js';
import { cpuSnapshot, otherCores } from './system-load.js';

export const IMPORT_ROWS = 50_000;
export const CHANNEL = 'C0BENCHBUSY';
export const RATE = 20;
/** Verifying and importing 50,000 rows on a busy 2-core machine: generous bounds, never a fixed wait. */
const PREVIEW_TIMEOUT_MS = 5 * 60_000;
export const IMPORT_TIMEOUT_MS = 15 * 60_000;

/**
 * Roster as `npm start` runs it (`node dist/src/main.js`), on the database in `dir` (or at
 * `databaseUrl`, with more variables in `env`: a PostgreSQL database and its ROSTER_SECRET_KEY),
 * pointed at the fake.
 */
export function startRoster(
  fake: FakeSlack,
  o: { dir: string; name: string; signingSecret: string; nodeFlags?: string[]; databaseUrl?: string; env?: Record<string, string> },
): Promise<AppProcess> {
  return spawnServer({
    name: o.name,
    script: 'dist/src/main.js',
    launcher: 'compiled',
    nodeFlags: o.nodeFlags ?? [],
    env: {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: o.signingSecret,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: o.databaseUrl ?? `file:${path.join(o.dir, 'roster.db')}`,
      LOG_LEVEL: 'info',
      SLACK_APP_TOKEN: '',
      ROSTER_BOOTSTRAP_ADMINS: '',
      ...o.env,
    },
    logDir: o.dir,
  });
}

/**
 * `/users import-channel add` in CHANNEL, then `list` until it names it: the ack says so at once,
 * the channel is stored just after it, and a CSV shared before then would be ignored.
 */
export async function addImportChannel(sim: SlackClientSim): Promise<void> {
  const added = await sim.command('/users', 'import-channel add', { userId: OWNER, channelId: CHANNEL });
  if (!text(added.body).includes('is now an import channel')) throw new Error(`import-channel add refused: ${text(added.body)}`);
  for (let tries = 0; ; tries++) {
    const listed = await sim.command('/users', 'import-channel list', { userId: OWNER, channelId: CHANNEL });
    if (text(listed.body).includes(CHANNEL)) return;
    if (tries > 200) throw new Error(`the import channel was never stored: ${text(listed.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `/licenses` by the owner, as the load generator sends it to `app`. */
export function licensesTarget(app: AppProcess, sim: SlackClientSim, fake: FakeSlack, signingSecret: string): LoadTarget {
  const responseUrl = fake.issueResponseUrl({ channelId: 'C0GENERAL1', userId: OWNER });
  return {
    url: `${app.baseUrl}/slack/events`,
    signingSecret,
    body: commandBody(sim.identity, { command: '/licenses', text: '', userId: OWNER, responseUrl }),
    expect: { bodyIncludes: 'O365_BUSINESS_ESSENTIALS' },
  };
}

const text = (value: unknown) => JSON.stringify(value);

export interface Measured {
  result: LoadResult;
  /** Cores the app used during the run, and other processes (background load). */
  appCores: number;
  otherCores: number;
}

/** One open-loop run of `/licenses`, with the app's and the machine's CPU read around it. */
export async function measureLicenses(app: AppProcess, target: LoadTarget, durationMs: number, stop?: Int32Array): Promise<Measured> {
  const appBefore = app.cpuMs();
  const before = cpuSnapshot(appBefore);
  const started = performance.now();
  const result = await runLoadInWorker({ kind: 'open', target, ratePerSecond: RATE, durationMs, stop });
  const elapsed = performance.now() - started;
  const appAfter = app.cpuMs();
  const after = cpuSnapshot(appAfter);
  const appCores = appBefore !== undefined && appAfter !== undefined ? (appAfter - appBefore) / elapsed : Number.NaN;
  return { result, appCores, otherCores: otherCores(before, after) };
}

/**
 * Measures `/licenses` for `durationMs` while the import of `preview` runs, stopping early when its
 * outcome message comes (recorded after `before`): the load and when the import ended, if it did.
 */
export async function measureLicensesDuringImport(
  app: AppProcess,
  target: LoadTarget,
  durationMs: number,
  fake: FakeSlack,
  preview: Message,
  before: number,
): Promise<{ measured: Measured; outcome: RecordedCall; loadStarted: number; loadEnded: number; endedAt: number | undefined }> {
  const ended = fake.waitFor(isUpdateOf(preview.ts, /^Imported /), { after: before, timeoutMs: IMPORT_TIMEOUT_MS });
  const { flag, stop } = stopSignal();
  let endedAt: number | undefined;
  void ended.then(
    () => {
      endedAt = performance.now();
      stop();
    },
    () => undefined,
  );
  const loadStarted = performance.now();
  const measured = await measureLicenses(app, target, durationMs, flag);
  const loadEnded = performance.now();
  const outcome = await ended;
  return { measured, outcome, loadStarted, loadEnded, endedAt };
}

/** The CSV is shared in a channel (file_shared; files.info names the message); resolves with the preview Roster posts in its thread. */
export async function shareAndPreview(fake: FakeSlack, sim: SlackClientSim, bytes: Buffer, ts = '1800000001.000100'): Promise<Message> {
  const file = fake.addFile({ name: 'new-hires.csv', user: OWNER, bytes });
  file.shares = { public: { [CHANNEL]: [{ ts }] } };
  const before = fake.calls().length;
  const res = await sim.event({ type: 'file_shared', file_id: file.id, user_id: OWNER, file: { id: file.id }, channel_id: CHANNEL });
  if (res.status !== 200) throw new Error(`file_shared answered HTTP ${res.status}`);
  const call = await fake.waitFor(
    // The preview, or any answer instead of it (a warning in the thread, a refusal only the owner sees).
    (c) => (c.method === 'chat.postMessage' && c.args.thread_ts === ts) || (c.method === 'chat.postEphemeral' && c.args.channel === CHANNEL),
    { after: before, timeoutMs: PREVIEW_TIMEOUT_MS },
  );
  if (!call.response.ok || !text(call.args.blocks).includes('Verified')) throw new Error(`no preview: ${text(call.args).slice(0, 400)}`);
  const preview = fake.messagesIn(CHANNEL).find((m) => m.ts === call.response.ts);
  if (!preview) throw new Error('the fake does not know the preview message');
  return structuredClone(preview);
}

/** "Choose settings and add N users" (N: the file's `rows`), Business Basic for everyone, usage location NL, then submit. Resolves when submitted. */
export async function startImportThroughSlack(fake: FakeSlack, sim: SlackClientSim, preview: Message, rows = IMPORT_ROWS): Promise<void> {
  const basic = productByPartNumber('O365_BUSINESS_ESSENTIALS');
  if (!basic) throw new Error('O365_BUSINESS_ESSENTIALS is not in the catalogue');
  let before = fake.calls().length;
  await sim.blockAction({ userId: OWNER, actionId: ACTION.importChooseSettings, message: preview });
  const opened = await fake.waitFor('views.open', { after: before, timeoutMs: 10_000 });
  if (!opened.response.ok) throw new Error(`settings form not opened: ${text(opened.response)}`);
  const viewId = (opened.response as unknown as { view: { id: string } }).view.id;
  const form = fake.viewRecord(viewId)!.view;
  if (!text(form.submit).includes(`Add ${rows.toLocaleString('en-US')} users`) && !text(form.submit).includes(`Add ${rows} users`)) {
    throw new Error(`the settings form does not offer to add ${rows} users: ${text(form.submit)}`);
  }
  before = fake.calls().length;
  await sim.blockAction({ userId: OWNER, actionId: 'value', blockId: 'licenses', selectedOptions: [basic.skuId], view: form });
  const updated = await fake.waitFor('views.update', { after: before, timeoutMs: 10_000 });
  if (!updated.response.ok) throw new Error(`settings form not updated: ${text(updated.response)}`);
  const submitted = await sim.viewSubmission(
    fake.viewRecord(viewId)!.view,
    {
      signInAllowed: { value: radio('allowed') },
      usageLocation: { value: externalSelect('NL') },
      licenses: { value: multiStaticSelect([basic.skuId]) },
      whenSeatsRunOut: { value: radio('licensed_only') },
    },
    { userId: OWNER },
  );
  if (submitted.status !== 200 || submitted.body !== '') throw new Error(`settings submission refused: ${text(submitted.body).slice(0, 400)}`);
}

export const isUpdateOf = (ts: string, pattern: RegExp) => (c: RecordedCall) =>
  c.method === 'chat.update' && c.args.ts === ts && pattern.test(String(c.args.text));
