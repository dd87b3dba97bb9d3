/**
 * The import suite: generate files of 10,000 and 100,000 rows (admin-center layout), then in a
 * fresh process each, time verification and creation (users, licenses, password hashes, audit),
 * and read the peak memory; beside it, the physical limit: the same user rows through one prepared
 * INSERT into the same table, in one transaction.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeSampleImportFile } from '../test/support/sample-import-file.js';
import type { Figure, Suite } from './figures.js';

const run = promisify(execFile);

interface WorkerFigures {
  rows: number;
  verifyMs: number;
  createMs: number;
  rowsPerSecond: number;
  peakRssMb: number;
  rssBeforeMb: number;
  rawInsertMs: number;
  rawRows: number;
}

/** Creating users as the app does may cost at most this many times the bare INSERT of the same rows. */
export const TARGET_CREATE_RATIO = 10;

export const importSuite: Suite = async ({ quick, log }) => {
  const sizes = quick ? [10_000] : [10_000, 100_000];
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-files-'));
  const figures: Figure[] = [];
  try {
    for (const rows of sizes) {
      const file = path.join(dir, `users-${rows}.csv`);
      const written = await writeSampleImportFile(file, rows, { domain: 'bench.onmicrosoft.com' });
      log(`${rows} rows: ${(written.bytes / 1048576).toFixed(1)} MB generated; importing in a fresh process…`);
      const { stdout } = await run(process.execPath, [path.resolve('bench/import-worker.mjs'), file, String(rows)], { maxBuffer: 1 << 20 });
      const w = JSON.parse(stdout.trim().split('\n').at(-1)!) as WorkerFigures;
      const name = `${rows.toLocaleString('en')} rows`;
      figures.push(
        { suite: 'import', name: `${name}: verify`, value: w.verifyMs / 1000, unit: 's', ...(rows === 10_000 ? { target: { op: '<', value: 1 } } : {}) },
        { suite: 'import', name: `${name}: create`, value: w.createMs / 1000, unit: 's', ...(rows === 10_000 ? { target: { op: '<', value: 5 } } : {}) },
        { suite: 'import', name: `${name}: created per second`, value: w.rowsPerSecond, unit: 'rows/s' },
        {
          suite: 'import',
          name: `${name}: peak memory`,
          value: w.peakRssMb,
          unit: 'MB',
          note: `RSS ${w.rssBeforeMb.toFixed(0)} MB before verifying`,
          ...(rows === 100_000 ? { target: { op: '<', value: 300 } } : {}),
        },
        {
          suite: 'import',
          name: `${name}: one prepared INSERT straight into SQLite (limit)`,
          value: w.rawInsertMs / 1000,
          unit: 's',
          note: `the import's ${w.rawRows.toLocaleString('en')} user rows, one transaction, same table and indexes, fastest of 3; ${Math.round(w.rawRows / (w.rawInsertMs / 1000)).toLocaleString('en')} rows/s`,
        },
        {
          suite: 'import',
          name: `${name}: create / one prepared INSERT`,
          value: w.createMs / w.rawInsertMs,
          unit: '×',
          ...(rows === 100_000 ? { target: { op: '<', value: TARGET_CREATE_RATIO } } : {}),
        },
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
};
