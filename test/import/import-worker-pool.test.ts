/**
 * Issue 20, item 6: one person could stop every CSV in the organization. Ten long-row files shared
 * at once ran the one shared import worker out of memory, and every file it was reading failed.
 * Here, scaled down with a smaller heap: each file's outcome is its own, a file whose task runs out
 * of memory is told so (and only it), and tasks beyond the pool wait their turn instead of failing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureImportWorkers, importWorkerCounts } from '../../src/core/import/import-worker-client.js';
import { adminCenterHeaderLine, openImportFile } from '../../src/core/import/index.js';
import { writeLongRowFile } from '../support/long-row-file.js';
import { writeSampleImportFile } from '../support/sample-import-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roster-pool-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => configureImportWorkers({ heapMb: 64, rowBatchChars: 1_000_000, workers: 3 }));

/** What reading a file came to: its verdict, or how many rows it streamed, or why the stream stopped. */
async function outcomeOf(path: string, options: { onWaiting?: () => void; pauseAfterFirstRow?: Promise<unknown> } = {}): Promise<string> {
  const opened = await openImportFile(path, {}, { onWaiting: options.onWaiting });
  if (!opened.ok) return `refused: ${opened.message}`;
  let rows = 0;
  try {
    for await (const _row of opened.file.rows()) {
      // A stream held open (its task alive) while something else happens.
      if (rows++ === 0) await options.pauseAfterFirstRow;
    }
  } catch (error) {
    return `stopped after ${rows} rows: ${error instanceof Error ? error.message : String(error)}`;
  }
  return `read ${rows} rows`;
}

const MEMORY = /needed more memory than Roster allows/;

describe('long-row files read at the same time', () => {
  it('each file gets its own outcome: six 3 MB long-row files, a good file and an empty one', async () => {
    // 16 MB is more than reading one long-row file needs, far less than six read together in one heap.
    configureImportWorkers({ heapMb: 16 });
    const long = await Promise.all(Array.from({ length: 6 }, (_, i) => writeLongRowFile(join(dir, `long-${i}.csv`), 30, `l${i}-`)));
    const good = (await writeSampleImportFile(join(dir, 'good.csv'), 200)).path;
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, `${adminCenterHeaderLine('admin-center-2024').join(',')}\r\n`);

    const outcomes = await Promise.all([...long, good, empty].map((path) => outcomeOf(path)));

    expect(outcomes).toEqual([
      ...long.map(() => 'read 30 rows'),
      'read 200 rows',
      'refused: The file has a header row but no users: add one row per user below the header.',
    ]);
  });

  it('a file whose task runs out of memory is told so, in words saying what to do; the files read beside it are not affected', async () => {
    // Rows sent in one batch whatever their size, and a 12 MB heap: the 12 MB file cannot fit.
    configureImportWorkers({ heapMb: 12, rowBatchChars: Number.POSITIVE_INFINITY });
    const huge = await writeLongRowFile(join(dir, 'huge.csv'), 120);
    const small = await Promise.all([1, 2, 3].map(async (i) => (await writeSampleImportFile(join(dir, `small-${i}.csv`), 1_500 * i)).path));

    // The small files' streams are open, mid-file, when the huge file's task runs out of memory.
    const hugeOutcome = outcomeOf(huge);
    const others = await Promise.all(small.map((path) => outcomeOf(path, { pauseAfterFirstRow: hugeOutcome })));

    expect(others).toEqual(['read 1500 rows', 'read 3000 rows', 'read 4500 rows']);
    expect(await hugeOutcome).toMatch(MEMORY);
    expect(await hugeOutcome).toMatch(/split it into smaller files/);
    // The pool replaced the worker that ran out of memory: the next file is read as usual.
    expect(await outcomeOf(small[0]!)).toBe('read 1500 rows');
  });
});

describe('tasks beyond the pool', () => {
  it('wait their turn (and say so), then run: five files through one worker', async () => {
    configureImportWorkers({ workers: 1 });
    const files = await Promise.all([1, 2, 3, 4, 5].map(async (i) => (await writeSampleImportFile(join(dir, `q-${i}.csv`), 100 * i)).path));
    const seenWhileWaiting: { workers: number; busy: number; queued: number }[] = [];
    const outcomes = await Promise.all(files.map((path) => outcomeOf(path, { onWaiting: () => seenWhileWaiting.push(importWorkerCounts()) })));
    expect(outcomes).toEqual(['read 100 rows', 'read 200 rows', 'read 300 rows', 'read 400 rows', 'read 500 rows']);
    expect(seenWhileWaiting.length).toBeGreaterThanOrEqual(4);
    for (const counts of seenWhileWaiting) expect(counts).toMatchObject({ workers: 1, busy: 1 });
    expect(importWorkerCounts()).toMatchObject({ workers: 1, busy: 0, queued: 0 });
  });
});
