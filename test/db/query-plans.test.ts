import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentChangesQuery } from '../../src/store/audit.js';
import { countActiveUsersQuery } from '../../src/store/directory-users.js';
import { pageUsersQuery, reportsOfPageQuery } from '../../src/store/directory-mirror.js';
import { tenantsWithActiveUpnQuery } from '../../src/store/pending-credentials.js';
import { mailboxesPastGraceQuery, usersDeletedBeforeQuery } from '../../src/store/user-lifecycle.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.destroy());

/** SQLite's plan for a query of the data layer, one line per step. */
function plan(query: { compile(): { sql: string; parameters: readonly unknown[] } }): string[] {
  const { sql, parameters } = query.compile();
  return (db.sqlite!.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
}

describe('query plans of hot paths', () => {
  it("the App Home's recent changes read the partial index that leaves out imported users' records", () => {
    expect(plan(recentChangesQuery(db.db, 't', 10))).toEqual(['SEARCH AuditRecord USING INDEX AuditRecord_recent_changes_idx (tenantId=?)']);
  });

  it("holding a credential finds the user's organization by index seeks, not a scan of every user", () => {
    expect(plan(tenantsWithActiveUpnQuery(db.db, 'ana@contoso.com'))).toEqual([
      'SEARCH DirectoryUser USING INDEX DirectoryUser_active_upn_key (tenantId=? AND upnKey=?)',
      'USING INDEX sqlite_autoindex_Tenant_1 FOR IN-OPERATOR',
    ]);
  });

  it('the purge sweep reads only deleted users and mailboxes in grace, from their partial indexes', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    expect(plan(usersDeletedBeforeQuery(db.db, now, 500))).toEqual([
      'SEARCH DirectoryUser USING INDEX DirectoryUser_deleted_at_idx (deletedAt>? AND deletedAt<?)',
    ]);
    expect(plan(mailboxesPastGraceQuery(db.db, now, 500))).toEqual([
      'SEARCH DirectoryUser USING INDEX DirectoryUser_mailbox_grace_idx (mailboxGraceEndsAt>? AND mailboxGraceEndsAt<?)',
    ]);
  });

  it("counting an organization's active users (All users, the App Home) reads only the narrow partial index", () => {
    // The wider indexes made SQLite read every user's row for deletedAt: 34 ms with 100,000 users, 3 ms now.
    expect(plan(countActiveUsersQuery(db.db, 't'))).toEqual(['SEARCH DirectoryUser USING INDEX DirectoryUser_active_tenant_idx (tenantId=?)']);
  });

  it("a sync page's users and their reports are found by index seeks, not a scan of the organization's users", () => {
    // One read with "externalId IN … OR managerExternalId IN …" scanned every user for each page.
    expect(plan(pageUsersQuery(db.db, 't', ['a', 'b']))).toEqual([
      'SEARCH DirectoryUser USING INDEX DirectoryUser_tenant_external_key (tenantId=? AND externalId=?)',
    ]);
    expect(plan(reportsOfPageQuery(db.db, 't', ['a', 'b']))).toEqual([
      'SEARCH DirectoryUser USING INDEX DirectoryUser_tenantId_managerExternalId_idx (tenantId=? AND managerExternalId=?)',
    ]);
  });
});
