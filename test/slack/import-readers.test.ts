/**
 * Issue 20, item 6, through Slack: files shared at once are each answered on their own (a file
 * whose reading needs more memory than Roster allows is told so in its thread, never a generic
 * "Sorry"); a file that must wait for a reader says so, then becomes its preview; an import whose
 * file's reader stops ends interrupted, with Resume.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureImportWorkers } from '../../src/core/import/import-worker-client.js';
import { openImportFile } from '../../src/core/import/index.js';
import { validateMessageBlocks } from '../support/block-kit-validator.js';
import { multiStaticSelect } from '../support/slack-requests.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { ACTION } from '../../src/slack/views/ids.js';
import type { Message } from '../support/fake-slack-api.js';
import { longRow, writeLongRowFile } from '../support/long-row-file.js';
import { writeSampleImportFile } from '../support/sample-import-file.js';
import { CHANNEL, OWNER, channelUpload, csvBytes, seedContoso, text, userRow, waitForPreview } from './import-helpers.js';

let r: RosterUnderTest;
let dir: string;
/** Rows go in one batch whatever their size, and the heap is 12 MB: a 12 MB long-row file cannot fit. */
const TOO_SMALL = { heapMb: 12, rowBatchChars: Number.POSITIVE_INFINITY };

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 10);
  dir = await mkdtemp(path.join(tmpdir(), 'roster-readers-'));
});
afterAll(async () => {
  await r.stop();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => configureImportWorkers({ heapMb: 64, rowBatchChars: 1_000_000, workers: 3 }));

let shares = 0;
/** Shares a file in the import channel; resolves once Slack has its ack. */
async function share(name: string, bytes: Buffer): Promise<{ ts: string; after: number; eventId: string }> {
  const file = r.fake.addFile({ name, user: OWNER, bytes });
  const { event, ts } = channelUpload(file);
  const after = r.fake.calls().length;
  const eventId = `Ev0READERS${++shares}`;
  await r.sim.event(event, { eventId });
  return { ts, after, eventId };
}

const threadAnswer = (ts: string, after: number) =>
  r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts, { after, timeoutMs: 15_000 });
const sorries = () => r.fake.calls('chat.postMessage').filter((c) => /Sorry/.test(text(c.args)));

describe('files shared at once', () => {
  it('a file that needs more memory than Roster allows is told so in its thread; the files shared with it get their previews', async () => {
    configureImportWorkers(TOO_SMALL);
    const huge = readFileSync(await writeLongRowFile(path.join(dir, 'huge.csv'), 120));
    const shared = [
      await share('huge.csv', huge),
      await share('team-a.csv', csvBytes([userRow('ana')])),
      await share('team-b.csv', csvBytes([userRow('ben')])),
    ];

    const answer = await threadAnswer(shared[0]!.ts, shared[0]!.after);
    expect(String(answer.args.text)).toMatch(
      /could not verify this file\. huge\.csv: Reading the file needed more memory than Roster allows for one file \(12 MB\): check that it is a CSV of users, one user per row, and if it is, split it into smaller files\./,
    );
    for (const { ts, after } of shared.slice(1)) expect(text((await waitForPreview(r, CHANNEL, ts, after)).blocks)).toMatch(/\*Rows read\*\\n1/);
    expect(sorries()).toEqual([]);
  });

  it('a file that must wait for a reader says so at once, and that message becomes its preview', async () => {
    configureImportWorkers({ workers: 1 });
    // Another file's row stream holds the only reader.
    const other = await openImportFile((await writeSampleImportFile(path.join(dir, 'other.csv'), 3_000)).path);
    if (!other.ok) throw new Error(other.message);
    const holding = other.file.rows()[Symbol.asyncIterator]();
    await holding.next();

    const { ts, after, eventId } = await share('waits.csv', csvBytes([userRow('cem'), userRow('dee')]));
    const waiting = await threadAnswer(ts, after);
    expect(String(waiting.args.text)).toMatch(/Roster is reading other files first: waits\.csv waits its turn, and its preview will appear here/);
    expect(validateMessageBlocks(waiting.args.blocks)).toEqual([]);

    await holding.return?.();
    const updated = await r.fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === waiting.response.ts && text(c.args.blocks).includes('Verified'), {
      after,
    });
    expect(text(updated.args.blocks)).toMatch(/\*Rows read\*\\n2/);
    // The preview's buttons act on the job through that message.
    await r.handled(eventId);
    expect(await r.db.db.selectFrom('ImportJob').select('messageTs').where('fileName', '=', 'waits.csv').executeTakeFirstOrThrow()).toEqual({
      messageTs: waiting.response.ts,
    });
  });
});

describe('an import whose reader stops', () => {
  it('ends interrupted in its message, saying why, with Resume; Resume adds the rest', async () => {
    const longRows = Array.from({ length: 120 }, (_, i) => longRow(`long${i + 1}`)).join('\r\n');
    const bytes = Buffer.concat([csvBytes(Array.from({ length: 600 }, (_, i) => userRow(`m${i + 1}`))), Buffer.from(`${longRows}\r\n`)]);
    const { ts, after } = await share('mixed.csv', bytes);
    const preview = structuredClone(await waitForPreview(r, CHANNEL, ts, after));

    const opened = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.importChooseSettings, message: preview });
    const form = await r.fake.waitFor('views.open', { after: opened });
    const view = r.fake.viewRecord((form.response as unknown as { view: { id: string } }).view.id)!.view;
    // The 600 ordinary rows go in the first batch; the second, with the long rows, cannot fit.
    configureImportWorkers(TOO_SMALL);
    const submitted = r.fake.calls().length;
    await r.sim.viewSubmission(view, { licenses: { value: multiStaticSelect([]) } }, { userId: OWNER });
    const stopped = await r.fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === preview.ts && text(c.args.blocks).includes(ACTION.importResume), {
      after: submitted,
      timeoutMs: 15_000,
    });
    // The rows of the first batch that were made (the rest of it waited for a second transaction, which never came).
    const made = Number(
      /^The import of mixed\.csv stopped after (\d+) of 720 rows: \1 users created\. Reading the file needed more memory/.exec(String(stopped.args.text))?.[1],
    );
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThanOrEqual(500);
    expect(validateMessageBlocks(stopped.args.blocks)).toEqual([]);
    expect(await r.db.db.selectFrom('ImportJob').select('status').where('fileName', '=', 'mixed.csv').executeTakeFirstOrThrow()).toEqual({
      status: 'interrupted',
    });
    expect(sorries()).toEqual([]);

    configureImportWorkers({ heapMb: 64, rowBatchChars: 1_000_000 });
    const message: Message = structuredClone(r.fake.messagesIn(CHANNEL).find((m) => m.ts === preview.ts)!);
    const pressed = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.importResume, message });
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === `D${OWNER}`, { after: pressed, timeoutMs: 15_000 });
    const final = r.fake.messagesIn(CHANNEL).find((m) => m.ts === preview.ts)!;
    expect(final.text).toMatch(/^Imported mixed\.csv: 600 created, 120 not created/);
    expect(text(final.blocks)).toContain(`${made} users made before an interruption got new temporary passwords`);
  });
});
