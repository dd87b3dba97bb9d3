import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentChangesQuery } from '../../src/store/audit.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.destroy());

/** SQLite's plan for a query of the data layer, one line per step. */
function plan(query: { compile(): { sql: string; parameters: readonly unknown[] } }): string[] {
  const { sql, parameters } = query.compile();
  return (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
}

describe('query plans of hot paths', () => {
  it("the App Home's recent changes read the partial index that leaves out imported users' records", () => {
    expect(plan(recentChangesQuery(db.db, 't', 10))).toEqual(['SEARCH AuditRecord USING INDEX AuditRecord_recent_changes_idx (tenantId=?)']);
  });
});
