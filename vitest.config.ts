import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    setupFiles: ['test/support/fast-check-seed.ts'],
    // Before any test: dist/ rebuilt when a source is newer; one migrated database that tests copy.
    globalSetup: ['test/support/fast-check-banner.ts', 'test/support/fresh-build.ts', 'test/support/template-database.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // A console.error during a test is a bug we want to see, not noise.
    onConsoleLog: (_log, type) => (type === 'stderr' ? true : undefined),
  },
});
