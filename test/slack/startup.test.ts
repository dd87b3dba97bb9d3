import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, existsSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startFakeSlack } from '../support/fake-slack-api.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function runMain(env: Record<string, string>, until: (output: string) => boolean, options: { timeoutMs?: number; prepare?: (dir: string) => void } = {}) {
  const { timeoutMs = 15_000 } = options;
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-start-'));
  dirs.push(dir);
  options.prepare?.(dir);
  // No inherited Slack settings: the test decides every variable, and no .env is read from cwd.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SLACK_') && key !== 'DATABASE_URL'));
  // What `npm start` runs: the build that `npm ci` (and `npm test`) made.
  // The database goes in the test's own folder (a relative DATABASE_URL would mean the project folder).
  const database = { DATABASE_URL: `file:${path.join(dir, 'data', 'roster.db')}` };
  const child = spawn(process.execPath, [path.resolve('dist/src/main.js')], { cwd: dir, env: { ...clean, ...database, ...env } });
  let output = '';
  return {
    dir,
    done: new Promise<{ code: number | null; output: string }>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (until(output)) child.kill('SIGTERM');
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    }),
  };
}

// Each start has its own folder, fake Slack and process: they run side by side (most of their time
// is a process starting, or the 7 s retry schedule of an unreachable Slack).
describe.concurrent('npm start', () => {
  it('exits at once without tokens, listing what is missing and where to get it', async () => {
    const { done } = runMain({}, () => false);
    const { code, output } = await done;
    expect(code).toBe(1);
    expect(output).toMatch(/SLACK_BOT_TOKEN is missing\n\s+get it from: Slack app settings → OAuth & Permissions/);
    expect(output).toMatch(
      /SLACK_SIGNING_SECRET is missing \(needed over HTTP; in Socket Mode, with SLACK_APP_TOKEN, it is not\)\n\s+get it from: .*Signing Secret/,
    );
  });

  it('creates and migrates the embedded database, then reports ready in HTTP mode', async () => {
    const fake = await startFakeSlack();
    try {
      const run = runMain(
        { SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789', PORT: '0', SLACK_API_URL: fake.apiUrl },
        (output) => output.includes('Roster is ready'),
      );
      const { output } = await run.done;
      const ready = JSON.parse(output.split('\n').find((line) => line.includes('Roster is ready'))!);
      expect(ready).toMatchObject({ level: 'info', mode: 'http', endpoint: '/slack/events' });
      // The bot token is checked once: Bolt is given the bot's ids from that answer.
      expect(fake.calls('auth.test')).toHaveLength(1);
      const file = path.join(run.dir, 'data', 'roster.db');
      expect(existsSync(file)).toBe(true);
      // Personal data and password hashes: only Roster's account may read them.
      expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) expect(statSync(file + suffix).mode & 0o777).toBe(0o600);
      // Without ROSTER_SECRET_KEY, the key that seals pending passwords is made beside the database, 0600.
      expect(statSync(`${file}.secret-key`).mode & 0o777).toBe(0o600);
      const db = new Database(file, { readonly: true });
      const migrations = db.prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL').all();
      db.close();
      expect(migrations.length).toBeGreaterThan(0);
      expect(output).not.toContain(fake.botToken);
    } finally {
      await fake.close();
    }
  });

  it('makes an existing database folder it owns private (a Docker volume is 0755) and logs it once', async () => {
    const fake = await startFakeSlack();
    const env = { SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789', PORT: '0', SLACK_API_URL: fake.apiUrl };
    const ready = (output: string) => output.includes('Roster is ready');
    try {
      const run = runMain(env, ready, {
        prepare: (dir) => {
          mkdirSync(path.join(dir, 'data'));
          chmodSync(path.join(dir, 'data'), 0o755);
        },
      });
      const { output } = await run.done;
      const folder = path.join(run.dir, 'data');
      expect(statSync(folder).mode & 0o777).toBe(0o700);
      const said = output.split('\n').filter((line) => line.includes('made the database folder private'));
      expect(said.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 'info', folder, was: '755' })]);
    } finally {
      await fake.close();
    }
  });

  it('a malformed ROSTER_SECRET_KEY, or a key file that is a symlink, stops the start with one sentence', async () => {
    const wrong = 'c2hvcnQta2V5LXp6OQ==';
    const malformed = await runMain(
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789', ROSTER_SECRET_KEY: wrong },
      () => false,
    ).done;
    expect(malformed.code).toBe(1);
    expect(malformed.output).toMatch(/ROSTER_SECRET_KEY must be 32 random bytes written as 64 hexadecimal characters or in base64/);
    expect(malformed.output).not.toContain(wrong);
    const fake = await startFakeSlack();
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'roster-key-link-'));
      dirs.push(dir);
      symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'roster.db.secret-key'));
      const { code, output } = await runMain(
        {
          SLACK_BOT_TOKEN: fake.botToken,
          SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789',
          PORT: '0',
          SLACK_API_URL: fake.apiUrl,
          DATABASE_URL: `file:${path.join(dir, 'roster.db')}`,
        },
        (out) => out.includes('Roster is ready'),
      ).done;
      expect(code).toBe(1);
      expect(output).toMatch(/Roster cannot start: The key file .*roster\.db\.secret-key is a symbolic link; Roster does not follow one there/);
      expect(existsSync(path.join(dir, 'elsewhere'))).toBe(false);
    } finally {
      await fake.close();
    }
  });

  it('checks the bot token with Slack before ready: a refused one exits 1 naming it and where to get a good one', async () => {
    const fake = await startFakeSlack();
    try {
      const wrong = 'xoxb-not-the-token-slack-knows';
      const { code, output } = await runMain(
        { SLACK_BOT_TOKEN: wrong, SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789', PORT: '0', SLACK_API_URL: fake.apiUrl },
        (out) => out.includes('Roster is ready'),
      ).done;
      expect(code).toBe(1);
      expect(output).toContain(
        'Roster cannot start: Slack refused SLACK_BOT_TOKEN (invalid_auth); put a valid one in .env or the environment and start again, taking it from Slack app settings → OAuth & Permissions → Bot User OAuth Token',
      );
      expect(output).not.toContain('Roster is ready');
      expect(output).not.toContain(wrong);
      expect(output).not.toMatch(/\n\s+at /); // no stack trace
      expect(fake.calls('auth.test')).toEqual([expect.objectContaining({ response: { ok: false, error: 'invalid_auth' } })]);
    } finally {
      await fake.close();
    }
  });

  it('gives up in seconds when Slack cannot be reached, naming the address it tried', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { code, output } = await runMain(
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789', PORT: '0', SLACK_API_URL: `http://127.0.0.1:${port}/api/` },
      (out) => out.includes('Roster is ready'),
      { timeoutMs: 30_000 },
    ).done;
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`Roster cannot start: Slack could not be reached at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) after 4 tries`));
    expect(output).not.toMatch(/\n\s+at /);
  }, 40_000);

  it('checks the app token in Socket Mode before ready: a refused one exits 1 naming it', async () => {
    const fake = await startFakeSlack();
    try {
      const wrong = 'xapp-1-not-the-app-token';
      // No SLACK_SIGNING_SECRET: Socket Mode does not need it.
      const { code, output } = await runMain({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: wrong, SLACK_API_URL: fake.apiUrl }, (out) =>
        out.includes('Roster is ready'),
      ).done;
      expect(code).toBe(1);
      expect(output).toContain(
        'Roster cannot start: Slack refused SLACK_APP_TOKEN (invalid_auth); put a valid one in .env or the environment and start again, taking it from Slack app settings → Basic Information → App-Level Tokens',
      );
      expect(output).not.toContain('Roster is ready');
      expect(output).not.toContain(wrong);
      expect(fake.calls('apps.connections.open').map((call) => call.response.error)).toEqual(['invalid_auth']);
    } finally {
      await fake.close();
    }
  });

  it('starts in Socket Mode with the bot and app tokens only, connected before it reports ready', async () => {
    const fake = await startFakeSlack();
    try {
      const run = runMain({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl }, (out) =>
        out.includes('Roster is ready'),
      );
      const { output } = await run.done;
      const ready = JSON.parse(output.split('\n').find((line) => line.includes('Roster is ready'))!);
      expect(ready).toMatchObject({ level: 'info', mode: 'socket' });
      expect(fake.calls('apps.connections.open').map((call) => call.response.ok)).toEqual([true]);
      expect(output).not.toContain(fake.appToken);
    } finally {
      await fake.close();
    }
  });
});
