/**
 * `npm run roster -- import` when the file's reader stops under the run (issue 20, item 6): the
 * import ends interrupted, says why and prints the command that resumes it; no results file is
 * left behind (Resume issues the passwords again), and that command finishes it. Run in-process,
 * to give the readers a heap too small for the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importCommand, resumeCommand, type ImportCommandOptions } from '../../src/cli/import-command.js';
import { operatorActor } from '../../src/cli/operator.js';
import { configureImportWorkers } from '../../src/core/import/import-worker-client.js';
import { longRow } from '../support/long-row-file.js';
import { writeSampleImportFile } from '../support/sample-import-file.js';
import { countRows, createTestDatabase, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  dir = await mkdtemp(path.join(tmpdir(), 'roster-cli-reader-'));
});
afterAll(async () => {
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => configureImportWorkers({ heapMb: 64, rowBatchChars: 1_000_000 }));

describe('npm run roster -- import, when the reader stops', () => {
  it('ends interrupted with the command that resumes it, and that command finishes the import', async () => {
    // 500 ordinary rows go in the first batch; the second, 120 rows of ~100 KB, cannot fit a 12 MB heap.
    const file = path.join(dir, 'mixed.csv');
    await writeSampleImportFile(file, 500, { domain: 'contoso.onmicrosoft.com' });
    for (let i = 1; i <= 120; i++) await appendFile(file, `${longRow(`long${i}`)}\r\n`);
    const operator = operatorActor(TEAM, undefined);
    if (!operator.ok) throw new Error(operator.message);
    const out = path.join(dir, 'results.csv');
    const options: ImportCommandOptions = {
      file,
      licenses: [],
      dryRun: false,
      blocked: false,
      createUnlicensed: false,
      force: false,
      limits: {},
      out,
      jobs: db.runtime.jobs,
    };
    const lines: string[] = [];
    const print = (line: string) => {
      lines.push(line);
      // Verified and started: from now on the readers get a heap too small for the file's second batch.
      if (/^Import \S+ started\./.test(line)) configureImportWorkers({ heapMb: 12, rowBatchChars: Number.POSITIVE_INFINITY });
    };

    expect(await importCommand(db.ctx, operator.actor, options, print, () => {})).toBe(1);
    const printed = lines.join('\n');
    expect(printed).toMatch(/Interrupted: Reading the file needed more memory than Roster allows for one file \(12 MB\)/);
    const jobId = /--resume (\S+) --workspace/.exec(printed)?.[1];
    expect(printed).toContain(`Resume it with: roster import ${file} --resume ${jobId} --workspace ${TEAM}`);
    expect(existsSync(out)).toBe(false);

    configureImportWorkers({ heapMb: 64, rowBatchChars: 1_000_000 });
    lines.length = 0;
    // Done, with the 120 long rows refused: exit 1, as any import with refused rows.
    expect(await resumeCommand(db.ctx, operator.actor, jobId!, options, print, () => {})).toBe(1);
    expect(lines.join('\n')).toMatch(/Done\. 500 created, 120 not created/);
    expect(readFileSync(out, 'utf8').match(/made before the interruption; new temporary password/g)?.length).toBeGreaterThan(0);
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('importJobId', '=', jobId!))).toBe(500);
  });
});
