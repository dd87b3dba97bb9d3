/**
 * The reader's worker thread starts from both places Roster runs: the TypeScript sources (here,
 * under vitest, through import-worker-tsx.mjs) and the compiled build (dist/, what `npm start`
 * runs, through import-worker.js; `npm test` builds it first). Rows cross in batches with
 * backpressure, and a consumer that stops early stops the worker's read.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImportFile } from '../../src/core/import/index.js';
import { writeSampleImportFile } from '../support/sample-import-file.js';

let dir: string;
let sample: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roster-worker-'));
  sample = join(dir, 'users.csv');
  await writeSampleImportFile(sample, 3_000);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the import worker', () => {
  it('reads a file from the TypeScript sources', async () => {
    const opened = await openImportFile(sample);
    if (!opened.ok) throw new Error(opened.message);
    let count = 0;
    for await (const row of opened.file.rows()) if (row.problems.length === 0) count++;
    expect(count).toBe(3_000);
  });

  it('reads a file from the compiled build, as npm start runs it', async () => {
    const script = `
      import { openImportFile } from './dist/src/core/import/open-import-file.js';
      const opened = await openImportFile(${JSON.stringify(sample)});
      if (!opened.ok) throw new Error(opened.message);
      let count = 0;
      for await (const row of opened.file.rows()) count++;
      const blank = ${JSON.stringify(join(dir, 'blank.csv'))};
      (await import('node:fs')).writeFileSync(blank, 'User Name,First Name\\n' + '\\n'.repeat(20000));
      const refused = await openImportFile(blank);
      console.log(JSON.stringify({ count, refused }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    const out = JSON.parse(stdout) as { count: number; refused: { ok: boolean; message: string } };
    expect(out.count).toBe(3_000);
    expect(out.refused).toMatchObject({ ok: false, message: expect.stringMatching(/^The file has more than 10,000 blank rows/) });
  });

  it('a consumer that stops early, or reads slowly, gets the rows it asked for and the next read starts over', async () => {
    const opened = await openImportFile(sample);
    if (!opened.ok) throw new Error(opened.message);
    const seen: number[] = [];
    for await (const row of opened.file.rows()) {
      seen.push(row.rowNumber);
      if (seen.length === 1_234) break;
    }
    expect(seen).toEqual(Array.from({ length: 1_234 }, (_, i) => i + 2));
    let again = 0;
    for await (const row of opened.file.rows()) {
      if (again++ % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
      expect(row.rowNumber).toBe(again + 1);
    }
    expect(again).toBe(3_000);
  });
});
