import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_DIR } from '../../src/db/migrate.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * A database with only the migrations up to and including `last` applied (a copy of the folder);
 * `migrateTo` applies the next ones up to and including another.
 */
function databaseAt(last: string): { db: Database.Database; dir: string; migrateTo(next: string): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-migrations-'));
  dirs.push(dir);
  const partial = path.join(dir, 'migrations');
  const copyUpTo = (upTo: string) => {
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n <= upTo)) {
      const target = path.join(partial, name);
      mkdirSync(target, { recursive: true });
      writeFileSync(path.join(target, 'migration.sql'), readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql')));
    }
  };
  copyUpTo(last);
  const db = new Database(path.join(dir, 'roster.db'));
  db.pragma('foreign_keys = ON');
  applyMigrations(db, partial);
  return {
    db,
    dir,
    migrateTo(next) {
      copyUpTo(next);
      applyMigrations(db, partial);
    },
  };
}

describe('migrations', () => {
  it('keep every role, license and user of a database made by the first version', () => {
    const { db } = databaseAt('20261123170000_init');
    const at = '2026-11-23T10:00:00.000+00:00';
    db.prepare("INSERT INTO Tenant (id, slackTeamId, name, initialDomain, createdAt) VALUES ('t', 'T1', 'Contoso', 'contoso.onmicrosoft.com', ?)").run(at);
    for (const [id, upn, deleted] of [
      ['u1', 'Ana@contoso.onmicrosoft.com', null],
      ['u2', 'bo@contoso.onmicrosoft.com', at],
    ] as const) {
      db.prepare(
        `INSERT INTO DirectoryUser (id, tenantId, userPrincipalName, activeUpnKey, aliasKey, domain, displayName, passwordHash, passwordSetAt, createdAt, updatedAt, deletedAt)
         VALUES (?, 't', ?, ?, ?, 'contoso.onmicrosoft.com', ?, 'x', ?, ?, ?, ?)`,
      ).run(id, upn, deleted ? null : upn.toLowerCase(), upn.split('@')[0]!.toLowerCase(), upn, at, at, at, deleted);
    }
    db.prepare("INSERT INTO RoleAssignment (userId, role, createdAt) VALUES ('u1', 'global_admin', ?)").run(at);
    db.prepare("INSERT INTO LicenseAssignment (userId, tenantId, skuId, assignedAt) VALUES ('u1', 't', 'sku', ?)").run(at);
    db.prepare(
      "INSERT INTO AuditRecord (id, tenantId, actorSlackUserId, action, targetType, targetId, summary, createdAt) VALUES ('a', 't', 'U1', 'user.create', 'user', 'u1', 'Added', ?)",
    ).run(at);

    applyMigrations(db);

    expect(db.prepare('SELECT id, upnKey FROM DirectoryUser ORDER BY id').all()).toEqual([
      { id: 'u1', upnKey: 'ana@contoso.onmicrosoft.com' },
      { id: 'u2', upnKey: 'bo@contoso.onmicrosoft.com' },
    ]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM RoleAssignment').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM LicenseAssignment').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT targetUserId FROM AuditRecord').get()).toEqual({ targetUserId: 'u1' });
    // The partial unique indexes are in place after every migration.
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'DirectoryUser'").all() as { name: string }[];
    expect(indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['DirectoryUser_active_upn_key', 'DirectoryUser_active_slack_key']));
    db.close();
  });

  it('keep the word search terms (and only those) when the term table becomes WITHOUT ROWID', () => {
    const { db, migrateTo } = databaseAt('20261203091314_search_user_term_index');
    const insert = db.prepare('INSERT INTO UserSearchTerm (tenantId, term, userId, kind, displayName) VALUES (?, ?, ?, ?, ?)');
    for (const [term, kind] of [
      ['ana.silva@contoso.com', 0],
      ['ana.silva', 1],
      ['ana', 2],
      ['silva', 2],
    ] as const)
      insert.run('t', term, 'u1', kind, 'Ana Silva');

    migrateTo('20261203130532_search_terms_without_rowid');

    expect(db.prepare('SELECT tenantId, term, displayName, userId FROM UserSearchTerm ORDER BY term').all()).toEqual([
      { tenantId: 't', term: 'ana', displayName: 'Ana Silva', userId: 'u1' },
      { tenantId: 't', term: 'silva', displayName: 'Ana Silva', userId: 'u1' },
    ]);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'UserSearchTerm'").get()).toEqual({ sql: expect.stringMatching(/WITHOUT ROWID$/) });
    db.close();
  });

  it('drop the search terms that delete, restore and purge left behind, and keep the others', () => {
    const { db } = databaseAt('20261203140239_purge_sweep_indexes');
    const at = '2026-12-01T10:00:00.000+00:00';
    db.prepare("INSERT INTO Tenant (id, slackTeamId, name, initialDomain, createdAt) VALUES ('t', 'T1', 'Contoso', 'contoso.onmicrosoft.com', ?)").run(at);
    for (const [id, alias, deleted] of [
      ['active', 'ana', null],
      ['deleted', 'bo', at],
      ['restored', 'xavier.moon', null],
    ] as const) {
      const upn = `${alias}@contoso.onmicrosoft.com`;
      db.prepare(
        `INSERT INTO DirectoryUser (id, tenantId, userPrincipalName, upnKey, aliasKey, domain, displayName, passwordHash, passwordSetAt, createdAt, updatedAt, deletedAt)
         VALUES (?, 't', ?, ?, ?, 'contoso.onmicrosoft.com', ?, 'x', ?, ?, ?, ?)`,
      ).run(id, upn, upn, alias, alias, at, at, at, deleted);
    }
    const term = db.prepare("INSERT INTO UserSearchTerm (tenantId, term, displayName, userId) VALUES ('t', ?, ?, ?)");
    term.run('ana', 'ana', 'active');
    term.run('bo', 'bo', 'deleted');
    term.run('lee', 'xavier.moon', 'restored');
    term.run('gone', 'gone', 'purged');
    db.prepare(
      "INSERT INTO AuditRecord (id, tenantId, actorSlackUserId, action, targetType, targetUserId, summary, createdAt) VALUES ('a', 't', 'U1', 'user.restore', 'user', 'restored', 'Restored', ?)",
    ).run(at);

    applyMigrations(db);

    expect(db.prepare('SELECT userId, term FROM UserSearchTerm').all()).toEqual([{ userId: 'active', term: 'ana' }]);
    db.close();
  });
});
