import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Files share their worker process (each loads the app once, not once per file): a file leaves
    // no global state behind. One worker per core, and at least two (vitest's default, cores - 1, is
    // a single worker on 2 cores, and many tests wait on a process, a socket or a Retry-After).
    isolate: false,
    maxWorkers: Math.max(2, availableParallelism()),
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
