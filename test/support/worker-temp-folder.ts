/**
 * Each test worker gets a temp folder of its own (TMPDIR, which os.tmpdir() reads), made once per
 * worker process inside the run's folder (`temp-root.ts` makes it and removes it at the end), from
 * vitest.config.ts `setupFiles`. Files run in several workers at once, and Roster's start removes
 * the temporary folders crashed Rosters left in the temp folder: a Roster started by one test file
 * must not see the folders another file planted or is using. Processes the tests start inherit it.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

if (!process.env.ROSTER_TEST_WORKER_TMPDIR) {
  const dir = mkdtempSync(path.join(inject('testTempRoot'), 'worker-'));
  process.env.ROSTER_TEST_WORKER_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
