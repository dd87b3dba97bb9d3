import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { startSlackApp, type RosterApp } from '../../src/slack/create-app.js';
import { SlackReachability } from '../../src/slack/health-routes.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack-api.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';
import { describeOnEachDatabase } from '../support/databases.js';

const OWNER = 'U0OWNER';

async function get(url: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** A sample of a Prometheus text exposition: the value of `name{labels…}` (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    if (Object.entries(labels).every(([key, value]) => inside.includes(`${key}="${value}"`))) return Number(line.slice(line.indexOf('}') + 1));
  }
  return undefined;
}

describeOnEachDatabase('health, readiness and metrics over HTTP (on PORT)', (kind) => {
  let r: RosterUnderTest;
  beforeAll(async () => {
    r = await startRosterUnderTest({ kind });
    await seedTenant(r.db.ctx, { teamId: r.fake.teamId, slackUserId: OWNER });
  });
  afterAll(async () => r.stop());

  it('GET /healthz and GET /readyz answer 200, readiness naming each check', async () => {
    expect(await get(`${r.baseUrl}/healthz`)).toMatchObject({ status: 200, text: '{"ok":true}' });
    const ready = await get(`${r.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ ready: true, checks: { database: 'ok', migrations: 'ok', slack: 'ok' } });
  });

  it('GET /metrics: acks by kind and outcome, Slack calls by method, jobs by status, import rows and the event loop, in Prometheus format', async () => {
    await r.sim.command('/users', 'help', { userId: OWNER, channelId: 'C0GENERAL1' });
    await r.sim.event({ type: 'app_home_opened', user: OWNER, channel: `D${OWNER}`, tab: 'home' });
    await r.fake.waitFor('views.publish');
    const metrics = await get(`${r.baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(metrics.text, 'roster_slack_ack_seconds_count', { kind: 'command', outcome: 'answered' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics.text, 'roster_slack_api_calls_total', { method: 'publishHome', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics.text, 'roster_jobs', { kind: 'sweep.expiry', status: 'succeeded' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics.text, 'roster_import_rows', { outcome: 'created' })).toBe(0);
    expect(metrics.text).toMatch(/^roster_process_nodejs_eventloop_lag_p99_seconds \d/m);
    expect(metrics.text).toMatch(/^roster_slack_api_rate_limited_total 0$/m);
  });
});

describe('health, readiness and metrics in Socket Mode (on HEALTH_PORT)', () => {
  let fake: FakeSlack;
  let db: TestDatabase;
  let app: RosterApp;

  beforeAll(async () => {
    fake = await startFakeSlack();
    db = await createTestDatabase();
    const loaded = loadEnv({
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: db.url,
      HEALTH_PORT: '0',
    });
    if (!loaded.ok) throw new Error(loaded.message);
    app = await startSlackApp(db.runtime, loaded.env);
  });
  afterAll(async () => {
    await app?.stop();
    await db?.destroy();
    await fake?.close();
  });

  it('listens on HEALTH_PORT for /healthz, /readyz and /metrics, and nothing else', async () => {
    expect(app.healthPort).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${app.healthPort}`;
    expect((await get(`${base}/healthz`)).status).toBe(200);
    expect(JSON.parse((await get(`${base}/readyz`)).text)).toMatchObject({ ready: true });
    expect((await get(`${base}/metrics`)).text).toContain('# TYPE roster_slack_ack_seconds histogram');
    expect((await get(`${base}/slack/events`)).status).toBe(404);
  });
});

describe('readiness asks Slack sparingly', () => {
  it('a failing check makes Slack "failing"; an answer is kept, and checks made meanwhile share one call', async () => {
    let calls = 0;
    const failing = new SlackReachability(async () => {
      calls += 1;
      throw new Error('connect ECONNREFUSED');
    });
    expect(await failing.ok()).toBe(false);
    const answering = new SlackReachability(async () => {
      calls += 1;
    });
    const [first, second] = await Promise.all([answering.ok(), answering.ok()]);
    expect([first, second, await answering.ok()]).toEqual([true, true, true]);
    expect(calls).toBe(2);
  });
});
