import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    setupFiles: ['test/support/fast-check-seed.ts'],
    globalSetup: ['test/support/fast-check-banner.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // A console.error during a test is a bug we want to see, not noise.
    onConsoleLog: (_log, type) => (type === 'stderr' ? true : undefined),
  },
});
