import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { spawnRosterCli } from '../support/run-cli.js';
import { writeSampleImportFile } from '../support/sample-import-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'roster-cli-long-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A database made at the command line (its write-ahead log holds the migrations and the setup),
// then an import: between batches the import waits for the checkpoint worker to catch up, and that
// wait must keep the process alive (it once ended there, exit code 0, after 50 rows, with an
// empty results file and the import left running).
it('a 10,000-row import at the command line runs to the end and writes every password', { timeout: 120_000 }, async () => {
  // Its own process: what failed was the process's lifetime.
  const roster = spawnRosterCli(`file:${path.join(dir, 'roster.db')}`);
  const setup = await roster('setup', '--workspace', 'T0CLILONG', '--name', 'Contoso', '--domain', 'contoso');
  expect(setup.code).toBe(0);
  const file = path.join(dir, 'many.csv');
  await writeSampleImportFile(file, 10_000, { domain: 'contoso.onmicrosoft.com' });
  const out = path.join(dir, 'many-results.csv');
  const { code, stdout, stderr } = await roster('import', file, '--workspace', 'T0CLILONG', '--out', out);
  expect(code).toBe(0);
  expect(stderr).toMatch(/10000 \/ 10000 rows/);
  expect(stdout).toMatch(/Done\. 10000 created/);
  expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(10_001);
});
