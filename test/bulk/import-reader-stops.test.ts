/**
 * Issue 20, item 6: an admin's 50,000-row import stopped at 42,929 rows because another file's
 * task ran the shared import worker out of memory; it was marked failed (blaming its own file)
 * and could not be resumed. A running import's rows must survive another task's crash, and an
 * import whose row stream dies anyway must end interrupted, to be resumed.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findImportJob, resumeImport, runImport, startImport, verifyImport, type ImportSettings } from '../../src/core/bulk/index.js';
import { configureImportWorkers } from '../../src/core/import/import-worker-client.js';
import { openImportFile } from '../../src/core/import/index.js';
import { longRow, writeLongRowFile } from '../support/long-row-file.js';
import { writeSampleImportFile } from '../support/sample-import-file.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
let dir: string;
let huge: string;
const DOMAIN = 'contoso.onmicrosoft.com';
const settings: ImportSettings = { signInAllowed: true, usageLocation: 'NL', licenses: [], whenSeatsRunOut: 'licensed_only', recipients: [] };
/** Rows go in one batch whatever their size, and the heap is 12 MB: a 12 MB long-row file cannot fit. */
const TOO_SMALL = { heapMb: 12, rowBatchChars: Number.POSITIVE_INFINITY };
const DEFAULTS = { heapMb: 64, rowBatchChars: 1_000_000 };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'roster-reader-stops-'));
  huge = await writeLongRowFile(path.join(dir, 'huge.csv'), 120);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));
beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
});
afterEach(async () => {
  configureImportWorkers(DEFAULTS);
  await db.destroy();
});

async function startedJob(file: string, fileId: string): Promise<string> {
  const verified = await verifyImport(db.ctx, OWNER, { path: file, fileName: path.basename(file), fileId });
  if (!verified.ok) throw new Error(verified.message);
  const jobId = verified.preview.jobId!;
  const started = await startImport(db.ctx, OWNER, jobId, settings);
  if (!started.ok) throw new Error(started.message);
  return jobId;
}

/** Reads a file to its end; the error message when its stream stops. */
async function readToEnd(file: string): Promise<string> {
  const opened = await openImportFile(file);
  if (!opened.ok) return opened.message;
  try {
    for await (const _row of opened.file.rows());
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return 'read';
}

describe("a running import and another file's task", () => {
  it("the import's rows survive another file's task running out of memory, and it completes", async () => {
    const file = path.join(dir, 'staff.csv');
    await writeSampleImportFile(file, 3_000, { domain: DOMAIN });
    const jobId = await startedJob(file, 'FSTAFF');
    configureImportWorkers(TOO_SMALL);
    let other: string | undefined;
    const outcome = await runImport(db.ctx, jobId, file, {
      batchSize: 200,
      onProgress: async () => {
        // Mid-import (its stream open, batches in flight), another admin shares a file too big to read.
        other ??= await readToEnd(huge);
      },
    });
    expect(other).toMatch(/needed more memory than Roster allows/);
    expect(outcome).toMatchObject({ status: 'completed', created: 3_000, skipped: 0 });
    expect((await findImportJob(db.ctx, jobId))?.status).toBe('completed');
  });
});

describe('an import whose row stream dies', () => {
  it('ends interrupted, saying why, and Resume makes the rest', async () => {
    // 600 ordinary rows, then long rows: the reader dies on the second batch, after 500 rows were sent.
    const file = path.join(dir, 'mixed.csv');
    await writeSampleImportFile(file, 600, { domain: DOMAIN });
    for (let i = 1; i <= 120; i++) await appendFile(file, `${longRow(`long${i}`)}\r\n`);
    const jobId = await startedJob(file, 'FMIXED');

    configureImportWorkers(TOO_SMALL);
    const stopped = await runImport(db.ctx, jobId, file, { batchSize: 100 });
    expect(stopped.status).toBe('interrupted');
    expect(stopped.failure).toMatch(/needed more memory than Roster allows/);
    const job = await findImportJob(db.ctx, jobId);
    expect(job).toMatchObject({ status: 'interrupted', ownerId: null, rowsDone: 500, rowsCreated: 500, rowsUnlicensed: 0 });
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('importJobId', '=', jobId))).toBe(500);

    configureImportWorkers(DEFAULTS);
    const resumed = await resumeImport(db.ctx, OWNER, jobId);
    expect(resumed.ok).toBe(true);
    const finished = await runImport(db.ctx, jobId, file);
    expect(finished).toMatchObject({ status: 'completed', rowsRead: 720, reissuedPasswords: 500, skipped: 120 });
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('importJobId', '=', jobId))).toBe(600);
  });
});
