import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPostgresMigrations, POSTGRES_MIGRATIONS_DIR } from '../../src/db/postgres/migrate-postgres.js';
import { takePostgresSchema, testPostgresUrl } from '../support/postgres-schemas.js';

/** PostgreSQL's migrator (src/db/postgres/migrate-postgres.ts), on a schema of its own per test. */
describe.skipIf(!testPostgresUrl)('PostgreSQL migrations', () => {
  let place: Awaited<ReturnType<typeof takePostgresSchema>>;
  const pools: pg.Pool[] = [];
  const dirs: string[] = [];
  const pool = () => {
    const made = new pg.Pool({ connectionString: place.url, max: 2 });
    pools.push(made);
    return made;
  };
  /** A copy of the committed migrations, plus `extra` ones (name → SQL). */
  const migrationsWith = (extra: Record<string, string>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roster-pg-migrations-'));
    dirs.push(dir);
    cpSync(POSTGRES_MIGRATIONS_DIR, dir, { recursive: true });
    for (const [name, sql] of Object.entries(extra)) {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, 'migration.sql'), sql);
    }
    return dir;
  };
  const committed = readdirSync(POSTGRES_MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const recorded = async () =>
    (
      await pool().query<{ migration_name: string; finished: boolean }>(
        'SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name',
      )
    ).rows;

  beforeEach(async () => {
    place = await takePostgresSchema();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    place.release();
  });

  it('two instances starting at once take turns: the first applies every migration, the second finds none left', async () => {
    const [first, second] = await Promise.all([applyPostgresMigrations(pool()), applyPostgresMigrations(pool())]);
    const applied = [...first.applied, ...second.applied];
    expect(applied).toEqual(committed);
    expect(await recorded()).toEqual(committed.map((name) => ({ migration_name: name, finished: true })));
    expect((await applyPostgresMigrations(pool())).applied).toEqual([]);
  });

  it('a migration that fails leaves nothing of itself and is not recorded; the ones before it stay', async () => {
    const dir = migrationsWith({ '29990101000000_broken': 'ALTER TABLE "Tenant" ADD COLUMN "x" TEXT;\nSELECT no_such_function();' });
    await expect(applyPostgresMigrations(pool(), dir)).rejects.toThrow(/Migration 29990101000000_broken failed and was rolled back: .*no_such_function/);
    expect(await recorded()).toEqual(committed.map((name) => ({ migration_name: name, finished: true })));
    const columns = await pool().query("SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'Tenant' AND column_name = 'x'", [
      place.schema,
    ]);
    expect(columns.rowCount).toBe(0);
  });

  it('refuses a database whose applied migration was edited since', async () => {
    await applyPostgresMigrations(pool());
    const dir = migrationsWith({});
    writeFileSync(path.join(dir, '20261205000000_baseline', 'migration.sql'), '-- edited\n');
    await expect(applyPostgresMigrations(pool(), dir)).rejects.toThrow(/was edited after it was applied/);
  });
});
