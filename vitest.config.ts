import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowestFirstSequencer } from './test/support/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Files share their worker process (each loads the app once, not once per file): a file leaves
    // no global state behind. Two workers per core, and at least four: many files spend much of
    // their time waiting on a process, a socket, a lease or a Retry-After, and the type check shares
    // the cores; with one worker per core the cores idled while both workers waited (npm test
    // took 90 s with PostgreSQL on 2 cores; 80 s with four workers).
    isolate: false,
    // A fresh clone (CI) has no durations from an earlier run: the slowest files start first.
    sequence: { sequencer: SlowestFirstSequencer },
    maxWorkers: Math.max(4, availableParallelism() * 2),
    setupFiles: ['test/support/fast-check-seed.ts', 'test/support/worker-temp-folder.ts', 'test/support/postgres-cleanup.ts'],
    // Before any test: dist/ rebuilt when a source is newer; one migrated database that tests copy.
    // PostgreSQL: one line when TEST_POSTGRES_URL is unset (its variants are skipped), else the server checked once.
    globalSetup: [
      'test/support/fast-check-banner.ts',
      'test/support/postgres-banner.ts',
      'test/support/fresh-build.ts',
      'test/support/template-database.ts',
      'test/support/temp-root.ts',
    ],
    // Guards against a hang, not a speed check: several files (and the type check) share the cores,
    // and the files that run import readers out of memory or restart the app take many seconds then.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A console.error during a test is a bug we want to see, not noise.
    onConsoleLog: (_log, type) => (type === 'stderr' ? true : undefined),
  },
});
