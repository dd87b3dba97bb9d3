/**
 * A speed check to run by hand (not a test): `npx tsx test/import/speed-check.ts [rows...]`.
 * Writes sample files, then times open + full iteration with validation and duplicate tracking.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuplicateUsernameTracker, openImportFile } from '../../src/core/import/index.js';
import { writeSampleImportFile } from '../support/sample-import-file.js';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function check(rows: number, dir: string): Promise<void> {
  const path = join(dir, `sample-${rows}.csv`);
  const written = await writeSampleImportFile(path, rows, { duplicateEvery: 500, invalidEvery: 1000 });
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  const opened = await openImportFile(path, { maxRows: Math.max(rows, 50_000) });
  if (!opened.ok) throw new Error(opened.message);
  const openedAt = performance.now();
  const tracker = new DuplicateUsernameTracker();
  let seen = 0;
  let withProblems = 0;
  let duplicates = 0;
  for await (const row of opened.file.rows()) {
    seen++;
    if (row.problems.length > 0) withProblems++;
    if (row.fields.userName !== undefined && tracker.see(row.fields.userName, row.rowNumber) !== undefined) duplicates++;
    if (seen % 5000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const done = performance.now();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(
    `${rows.toLocaleString('en-US')} rows (${mb(written.bytes)}): open ${(openedAt - started).toFixed(0)} ms, ` +
      `rows ${(done - openedAt).toFixed(0)} ms, total ${(done - started).toFixed(0)} ms; ` +
      `${withProblems} rows with problems, ${duplicates} duplicates; peak rss ${mb(peakRss)}`,
  );
}

console.log(`baseline rss ${mb(process.memoryUsage().rss)}`);
const dir = await mkdtemp(join(tmpdir(), 'roster-test-import-speed-'));
try {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  for (const rows of sizes.length > 0 ? sizes : [10_000, 100_000]) await check(rows, dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}
