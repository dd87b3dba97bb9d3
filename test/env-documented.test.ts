import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, loadEnv } from '../src/config/env.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const readByCode = Object.keys(envSchema.shape).sort();

describe('every variable Roster reads is documented', () => {
  it('.env.example lists exactly the variables of src/config/env.ts', () => {
    const listed = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(readByCode);
  });

  it('.env.example says a relative database path is taken from the project folder', () => {
    expect(read('.env.example')).toMatch(/relative path is taken from the project folder/);
  });

  it("README's Environment table lists exactly the same variables", () => {
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf('## Environment'), readme.indexOf('\n## ', readme.indexOf('## Environment') + 1));
    const listed = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(readByCode);
  });
});

describe('ROSTER_SECRET_KEY_FILE', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef' };
  const key = randomBytes(32);

  it('reads the key from the file (a secret mounted apart from the database)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roster-key-'));
    const file = path.join(dir, 'key');
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
    const loaded = loadEnv({ ...base, ROSTER_SECRET_KEY_FILE: file });
    expect(loaded.ok && loaded.env.ROSTER_SECRET_KEY?.equals(key)).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('a missing file, a file of something else, or both variables set stop the start naming the variable, never quoting the key', () => {
    const missing = loadEnv({ ...base, ROSTER_SECRET_KEY_FILE: '/nonexistent/roster-key' });
    expect(missing.ok ? '' : missing.message).toMatch(/ROSTER_SECRET_KEY_FILE cannot be read \(ENOENT\)/);
    const both = loadEnv({ ...base, ROSTER_SECRET_KEY: key.toString('hex'), ROSTER_SECRET_KEY_FILE: '/nonexistent/roster-key' });
    expect(both.ok ? '' : both.message).toMatch(/ROSTER_SECRET_KEY_FILE is set together with ROSTER_SECRET_KEY/);
    expect(both.ok ? '' : both.message).not.toContain(key.toString('hex'));
    const dir = mkdtempSync(path.join(tmpdir(), 'roster-key-'));
    writeFileSync(path.join(dir, 'key'), 'not-a-key-at-all!');
    const wrong = loadEnv({ ...base, ROSTER_SECRET_KEY_FILE: path.join(dir, 'key') });
    expect(wrong.ok ? '' : wrong.message).toMatch(/ROSTER_SECRET_KEY /);
    expect(wrong.ok ? '' : wrong.message).not.toContain('not-a-key-at-all');
    rmSync(dir, { recursive: true });
  });
});

describe('DATABASE_URL on PostgreSQL', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef' };

  it('needs ROSTER_SECRET_KEY (or its file): there is no database file to keep a key beside, and instances must share one', () => {
    const without = loadEnv({ ...base, DATABASE_URL: 'postgresql://roster@db:5432/roster' });
    expect(without.ok ? '' : without.message).toMatch(/ROSTER_SECRET_KEY is needed with a PostgreSQL DATABASE_URL/);
    expect(loadEnv({ ...base, DATABASE_URL: 'postgres://roster@db:5432/roster', ROSTER_SECRET_KEY: randomBytes(32).toString('hex') }).ok).toBe(true);
    expect(loadEnv({ ...base, DATABASE_URL: 'file:./data/roster.db' }).ok).toBe(true);
  });
});
