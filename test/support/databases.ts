/**
 * Tests that run on both databases: `describeOnEachDatabase(name, (kind) => …)` declares the tests
 * twice, `name (SQLite)` and `name (PostgreSQL)`; the body makes its databases with
 * `createTestDatabase(now, { kind })`. The PostgreSQL variants run when TEST_POSTGRES_URL is set
 * (`.ci/run` sets it when a local server answers); otherwise they are skipped, and the run says so
 * once (postgres-banner.ts). DEVELOPERS.md "Tests on both databases".
 */
import { describe } from 'vitest';
import type { DatabaseKind } from '../../src/store/dialect.js';
import { testPostgresUrl } from './postgres-schemas.js';

export const DATABASE_NAMES: Record<DatabaseKind, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export function describeOnEachDatabase(name: string, body: (kind: DatabaseKind) => void): void {
  describe(`${name} (${DATABASE_NAMES.sqlite})`, () => body('sqlite'));
  (testPostgresUrl ? describe : describe.skip)(`${name} (${DATABASE_NAMES.postgres})`, () => body('postgres'));
}
