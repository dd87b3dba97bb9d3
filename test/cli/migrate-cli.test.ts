import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { takePostgresSchema, testPostgresUrl } from '../support/postgres-schemas.js';

async function roster(url: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { DATABASE_URL: url },
  });
  return { code, stdout, stderr };
}

describeOnEachDatabase('roster migrate', (kind) => {
  let url: string;
  let release: () => void;
  beforeEach(async () => {
    if (kind === 'postgres') ({ url, release } = await takePostgresSchema());
    else {
      const dir = mkdtempSync(path.join(tmpdir(), 'roster-migrate-'));
      url = `file:${path.join(dir, 'roster.db')}`;
      release = () => rmSync(dir, { recursive: true, force: true });
    }
  });
  afterEach(() => release());

  it('applies every migration of a new database and exits; run again, it says the database is up to date', async () => {
    const first = await roster(url, 'migrate');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(
      kind === 'postgres'
        ? /^Applied \d+ migrations? to postgres:\/\/.*: 20261205000000_baseline(, .*)?\.\n$/
        : /^Applied \d+ migrations to \/.*roster\.db: 20261123170000_init, .*\.\n$/,
    );
    expect(await roster(url, 'migrate')).toMatchObject({ code: 0, stdout: expect.stringMatching(/ is up to date: no migration to apply\.\n$/) });
  });
});

it.skipIf(!testPostgresUrl)('roster migrate names a PostgreSQL server it cannot reach, without its password, and exits 1', async () => {
  const result = await roster('postgres://roster:s3cret-pw@127.0.0.1:1/roster', 'migrate');
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^error: could not open postgres:\/\/roster@127\.0\.0\.1:1\/roster: .*ECONNREFUSED/);
  expect(result.stderr).not.toContain('s3cret-pw');
});

it('roster migrate --help says what it does on both databases', async () => {
  const help = await roster('file::memory:', 'migrate', '--help');
  expect(help.stdout).toMatch(/PostgreSQL \(postgres:\/\/…\)/);
});
