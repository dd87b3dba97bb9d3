import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { applyPostgresMigrations } from '../../src/db/postgres/migrate-postgres.js';
import { takePostgresSchema, testPostgresUrl } from '../support/postgres-schemas.js';
import { postgresShape, type SchemaShape, sqliteShape } from '../support/schema-shapes.js';

/**
 * The two databases' migrations must build the same schema (DEVELOPERS.md "Database and
 * migrations"): a migration written for one and not the other, or a hand-written partial index
 * missing from one, fails here. SQLite is migrated from nothing through every migration.
 */
describe.skipIf(!testPostgresUrl)('SQLite and PostgreSQL migrations build the same schema', () => {
  let sqlite: SchemaShape;
  let postgres: Awaited<ReturnType<typeof postgresShape>>;
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-schemas-'));

  beforeAll(async () => {
    const database = await openDatabase(`file:${path.join(dir, 'roster.db')}`);
    sqlite = sqliteShape(database.sqlite!);
    await database.close();
    const place = await takePostgresSchema();
    const pool = new pg.Pool({ connectionString: place.url, max: 1 });
    try {
      await applyPostgresMigrations(pool);
      postgres = await postgresShape(pool, place.schema);
    } finally {
      await pool.end();
      place.release();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the same tables and columns, with the same types, nullability and defaults', () => {
    expect(Object.keys(postgres.columns).sort()).toEqual(Object.keys(sqlite.columns).sort());
    expect(postgres.columns).toEqual(sqlite.columns);
  });

  it('the same primary keys, and the same indexes by name: unique or not, on the same columns, under the same condition', () => {
    expect(postgres.primaryKeys).toEqual(sqlite.primaryKeys);
    expect(Object.keys(postgres.indexes).sort()).toEqual(Object.keys(sqlite.indexes).sort());
    expect(postgres.indexes).toEqual(sqlite.indexes);
  });

  it('every PostgreSQL text column compares in byte order (COLLATE "C"), as SQLite compares text', () => {
    const others = Object.entries(postgres.collations).filter(([, collation]) => collation !== 'C');
    expect(others).toEqual([]);
    expect(Object.keys(postgres.collations).length).toBeGreaterThan(50);
  });
});
