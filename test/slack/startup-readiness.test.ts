import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack-api.js';
import { takePostgresSchema, testPostgresUrl } from '../support/postgres-schemas.js';

/*
 * A rolling deploy starts an instance whose migrations may take a while, or wait for another
 * instance's (the migrator's lock): until it can serve, its port says so. `npm start` (the build,
 * in its own process) on a new PostgreSQL schema whose migrator lock the test holds: /healthz says
 * it is alive, /readyz fails saying "migrating", a Slack request is refused with Retry-After; once
 * the lock is let go, the migrations run and the app answers on the same port, ready.
 */
/** The migrator's advisory lock class (src/db/postgres/migrate-postgres.ts MIGRATION_LOCK). */
const MIGRATION_LOCK = 0x526f7375;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!testPostgresUrl)('readiness while the migrations run (PostgreSQL)', () => {
  let fake: FakeSlack | undefined;
  let child: ChildProcess | undefined;
  let holder: pg.Client | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await holder?.end().catch(() => undefined);
    await fake?.close();
  });

  it('says "migrating" and is not ready until they are applied, then serves on the same port', async () => {
    fake = await startFakeSlack();
    const schema = await takePostgresSchema();
    holder = new pg.Client({ connectionString: schema.url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1, hashtext(current_schema()))', [MIGRATION_LOCK]);
    const port = await freePort();
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SLACK_') && !key.startsWith('ROSTER_')));
    const started = spawn(process.execPath, [path.resolve('dist/src/main.js')], {
      env: {
        ...clean,
        DATABASE_URL: schema.url,
        ROSTER_SECRET_KEY: randomBytes(32).toString('hex'),
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789',
        SLACK_API_URL: fake.apiUrl,
        PORT: String(port),
        LOG_LEVEL: 'info',
      },
    });
    child = started;
    let output = '';
    const waitFor = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => output.includes(text) && resolve();
        started.stdout?.on('data', check);
        started.once('exit', (code) => reject(new Error(`Roster exited (${code}) before "${text}":\n${output}`)));
        check();
      });
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('starting: health checks answer');
    const base = `http://127.0.0.1:${port}`;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    // No connection is reused across the hand-over of the port (a reused one was cut mid-request).
    expect(ready.headers.get('connection')).toBe('close');
    expect(await ready.json()).toEqual({ ready: false, checks: { database: 'migrating', migrations: 'migrating', slack: 'not checked yet' } });
    const alive = await fetch(`${base}/healthz`);
    expect({ status: alive.status, body: await alive.json() }).toEqual({ status: 200, body: { ok: true, starting: 'migrating' } });
    const slack = await fetch(`${base}/slack/events`, { method: 'POST', body: '{}' });
    expect(slack.status).toBe(503);
    expect(slack.headers.get('retry-after')).toBe('5');
    // Still migrating (waiting for the lock) however long it takes.
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    await holder.query('SELECT pg_advisory_unlock($1, hashtext(current_schema()))', [MIGRATION_LOCK]);
    await waitFor('Roster is ready');
    const after = await fetch(`${base}/readyz`);
    expect({ status: after.status, body: await after.json() }).toEqual({
      status: 200,
      body: { ready: true, checks: { database: 'ok', migrations: 'ok', slack: 'ok' } },
    });
    schema.release();
  }, 30_000);
});
