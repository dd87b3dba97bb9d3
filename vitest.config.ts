import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Files share their worker process (each loads the app once, not once per file): a file leaves
    // no global state behind. Many tests wait on a process, a socket or a Retry-After rather than
    // the CPU, so more files run at once than there are cores (vitest's default is cores - 1).
    isolate: false,
    maxWorkers: 3,
    setupFiles: ['test/support/fast-check-seed.ts', 'test/support/worker-temp-folder.ts'],
    // Before any test: dist/ rebuilt when a source is newer; one migrated database that tests copy.
    globalSetup: ['test/support/fast-check-banner.ts', 'test/support/fresh-build.ts', 'test/support/template-database.ts', 'test/support/temp-root.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // A console.error during a test is a bug we want to see, not noise.
    onConsoleLog: (_log, type) => (type === 'stderr' ? true : undefined),
  },
});
