import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackClientSim } from '../support/slack-requests.js';
import { startAnotherRoster, startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { findImportJob, runImport, startImport } from '../../src/core/bulk/index.js';
import { addUser } from '../../src/core/users/add-user.js';
import { importInterruptedMessage } from '../../src/slack/views/import-progress.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import type { RosterApp } from '../../src/slack/create-app.js';
import { ACTION } from '../../src/slack/views/ids.js';
import { CHANNEL, OWNER, cellValue, csvBytes, csvRecords, channelUpload, seedContoso, text, userRow, waitForPreview } from './import-helpers.js';
import { countRows } from '../support/test-db.js';
import { toDbDate } from '../../src/store/values.js';

let r: RosterUnderTest;
let restarted: RosterApp | undefined;
let dir: string;
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 10);
  dir = mkdtempSync(path.join(tmpdir(), 'roster-resume-'));
});
afterAll(async () => {
  await restarted?.stop();
  await r.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Roster started again on the same database (what happens after a crash or a deploy). */
async function restartRoster(logs: string[]): Promise<SlackClientSim> {
  await restarted?.stop();
  let sim: SlackClientSim;
  ({ app: restarted, sim } = await startAnotherRoster(r, {}, (line) => logs.push(line)));
  return sim;
}

/** Settings of the imports below. */
const SETTINGS = {
  signInAllowed: true,
  usageLocation: 'NL',
  licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
  whenSeatsRunOut: 'licensed_only' as const,
  recipients: [],
};

/**
 * A previewed import of `name` (5 rows) started, whose run made its first 2 users in a process that
 * then died mid-run. Its run was queued where no runner looks, so the test's own Roster does not take it.
 */
async function importCutShort(name: string) {
  const bytes = csvBytes([userRow(`${name}1`), userRow(`${name}2`), userRow(`${name}3`), userRow(`${name}4`), userRow(`${name}5`)]);
  const file = r.fake.addFile({ name: `${name}.csv`, user: OWNER, bytes });
  const { event, ts } = channelUpload(file);
  await r.sim.event(event);
  const preview = await waitForPreview(r, CHANNEL, ts);
  const job = await r.db.db.selectFrom('ImportJob').selectAll().where('fileId', '=', file.id).executeTakeFirstOrThrow();
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  const started = await startImport(r.db.ctx, owner, job.id, SETTINGS, { queue: 'cli:held-by-the-test' });
  if (!started.ok) throw new Error(started.message);
  const local = path.join(dir, `${name}.csv`);
  writeFileSync(local, bytes);
  let killed = false;
  await runImport(r.db.ctx, job.id, local, {
    batchSize: 2,
    onProgress: () => {
      if (!killed) {
        killed = true;
        throw new Error('process killed');
      }
    },
  });
  // As the database looks when the process died 5 minutes ago, mid-run: still running, its owner silent since.
  await r.db.db
    .updateTable('ImportJob')
    .set({ status: 'running', failure: null, finishedAt: null, ownerId: 'gone:1:dead', heartbeatAt: toDbDate(new Date(Date.now() - 5 * 60_000)) })
    .where('id', '=', job.id)
    .execute();
  expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('importJobId', '=', job.id))).toBe(2);
  return { job, preview, runId: started.runId };
}

async function expectFinishedWithEveryPassword(name: string, jobId: string, previewTs: string, after: number, logs: string[]) {
  const upload = await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${OWNER}`, { after, timeoutMs: 8000 });
  expect(upload.response.ok).toBe(true);
  const final = r.fake.messagesIn(CHANNEL).find((m) => m.ts === previewTs)!;
  expect(final.text).toMatch(new RegExp(`^Imported ${name}.csv: 5 created, 0 not created`));
  expect(text(final.blocks)).toMatch(/2 users made before an interruption got new temporary passwords/);
  const results = r.fake.uploadedFiles().find((f) => f.name === `${name}-results.csv`)!;
  const rows = csvRecords(results.bytes);
  expect(rows.map((row) => row.Status)).toEqual(['Created', 'Created', 'Created', 'Created', 'Created']);
  expect(rows.filter((row) => /made before the interruption/.test(row.Reason ?? ''))).toHaveLength(2);
  const passwords = rows.map((row) => cellValue(row['Temporary password'] ?? ''));
  expect(passwords.every(Boolean)).toBe(true);
  const chat = text(
    r.fake
      .calls()
      .filter((c) => c.method.startsWith('chat.'))
      .map((c) => c.args),
  );
  for (const password of passwords) {
    expect(chat).not.toContain(password);
    expect(logs.join('\n')).not.toContain(password);
    expect(r.logs.join('\n')).not.toContain(password);
  }
  await r.quiet();
  expect((await r.db.db.selectFrom('ImportJob').select('status').where('id', '=', jobId).executeTakeFirstOrThrow()).status).toBe('completed');
  expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('importJobId', '=', jobId))).toBe(5);
}

describe('an import cut short by a crash', () => {
  it('is taken over by a runner once its lease has run out, and finishes by itself with every password in the results', async () => {
    const { job, preview, runId } = await importCutShort('takeover1');
    // Its run was the app's, claimed by the process that died: nobody renewed its lease since.
    await r.db.db
      .updateTable('Job')
      .set({ queue: 'app', status: 'running', leaseOwner: 'gone:1:dead', leaseExpiresAt: toDbDate(new Date(Date.now() - 1000)), attempts: 1 })
      .where('id', '=', runId)
      .execute();
    const before = r.fake.calls().length;
    const logs: string[] = [];
    await restartRoster(logs);
    await expectFinishedWithEveryPassword('takeover1', job.id, preview.ts, before, logs);
    const pool = await r.db.db.selectFrom('LicensePool').select('assigned').where('skuId', '=', BASIC.skuId).executeTakeFirstOrThrow();
    expect(pool.assigned).toBe(5);
  });

  it('without a run (started by a Roster before jobs) is announced as interrupted at restart, and Resume finishes it', async () => {
    const { job, preview } = await importCutShort('legacy1');
    await r.db.db.deleteFrom('Job').where('kind', '=', 'import').where('key', 'like', `import:${job.id}:%`).execute();
    const before = r.fake.calls().length;
    const logs: string[] = [];
    const sim = await restartRoster(logs);
    await r.fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === preview.ts, { after: before });
    const interrupted = structuredClone(r.fake.messagesIn(CHANNEL).find((m) => m.ts === preview.ts)!);
    expect(interrupted.text).toMatch(/The import of legacy1.csv was interrupted \(Roster stopped\) after 2 of 5 rows: 2 users created/);
    expect(text(interrupted.blocks)).toContain(ACTION.importResume);
    expect((await r.db.db.selectFrom('ImportJob').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status).toBe('interrupted');

    const pressed = r.fake.calls().length;
    await sim.blockAction({ userId: OWNER, actionId: ACTION.importResume, message: interrupted });
    await expectFinishedWithEveryPassword('legacy1', job.id, preview.ts, pressed, logs);

    const again = r.fake.calls().length;
    await sim.blockAction({ userId: OWNER, actionId: ACTION.importResume, message: interrupted });
    await r.fake.waitFor('chat.postEphemeral', { after: again });
    expect(r.fake.ephemeralsTo(OWNER, CHANNEL).at(-1)!.text).toMatch(/This import is completed, not interrupted/);
  });

  it('asks an admin who did not start it before resuming, sends them the results, and tells the starter', async () => {
    const ADMIN = 'U0UADMIN';
    r.fake.seedUser({ id: ADMIN, realName: 'Uma Admin' });
    const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
    const added = await addUser(r.db.ctx, owner, {
      displayName: 'Uma Admin',
      alias: 'uma',
      domain: 'contoso.onmicrosoft.com',
      password: { mode: 'auto' },
      roles: ['user_admin'],
      alternateEmail: 'uma@example.com',
      slackUserId: ADMIN,
    });
    expect(added.ok).toBe(true);
    const file = r.fake.addFile({ name: 'takeover.csv', user: OWNER, bytes: csvBytes([userRow('t1'), userRow('t2')]) });
    const { event, ts } = channelUpload(file);
    await r.sim.event(event);
    const preview = await waitForPreview(r, CHANNEL, ts);
    const job = await r.db.db.selectFrom('ImportJob').selectAll().where('fileId', '=', file.id).executeTakeFirstOrThrow();
    expect(
      (
        await startImport(
          r.db.ctx,
          owner,
          job.id,
          { signInAllowed: true, usageLocation: 'NL', licenses: [], whenSeatsRunOut: 'licensed_only', recipients: [] },
          { queue: 'cli:held-by-the-test' },
        )
      ).ok,
    ).toBe(true);
    // Its process stopped before it made anything, and the import was marked interrupted.
    await r.db.db.updateTable('ImportJob').set({ status: 'interrupted', ownerId: null }).where('id', '=', job.id).execute();
    const record = (await findImportJob(r.db.ctx, job.id))!;
    const message = { ...importInterruptedMessage(record), ts: preview.ts, channel: CHANNEL };
    expect(text(message.blocks)).toContain(`Started by <@${OWNER}>`);

    const pressed = r.fake.calls().length;
    await r.sim.blockAction({ userId: ADMIN, actionId: ACTION.importResume, message });
    const opened = await r.fake.waitFor('views.open', { after: pressed });
    const question = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    expect(text(question)).toMatch(new RegExp(`<@${OWNER}> started the import of \\*takeover.csv\\*`));
    expect((await r.db.db.selectFrom('ImportJob').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status).toBe('interrupted');

    const confirmed = r.fake.calls().length;
    await r.sim.viewSubmission(question, {}, { userId: ADMIN });
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${OWNER}` && /resumed your import of takeover.csv/.test(text(c.args)), {
      after: confirmed,
    });
    const upload = await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${ADMIN}`, {
      after: confirmed,
      timeoutMs: 8000,
    });
    expect(upload.response.ok).toBe(true);
    await r.quiet();
    expect(await r.db.db.selectFrom('ImportJob').select(['status', 'requestedBy']).where('id', '=', job.id).executeTakeFirstOrThrow()).toEqual({
      status: 'completed',
      requestedBy: ADMIN,
    });
  });
});
