import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { HOME_REFRESH_JOB, HomeRefresher } from '../../src/slack/services/home-refresher.js';
import { webApiPort } from '../../src/slack/web-api-port.js';
import { oneTokenPorts } from '../../src/slack/slack-ports.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack-api.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

let fake: FakeSlack;
let db: TestDatabase;
let tenantId: string;
let home: HomeRefresher;

beforeAll(async () => {
  fake = await startFakeSlack();
  db = await createTestDatabase();
  tenantId = (await seedTenant(db.ctx)).tenantId;
  const slack = webApiPort(new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl }), fake.botToken);
  home = new HomeRefresher({ core: db.ctx, ports: oneTokenPorts(slack), logger: createLogger('error', () => undefined) });
  db.runtime.changes.subscribe((change) => home.changed(change));
  db.runtime.jobs.register(home.job());
  await db.runtime.start({ followChangesMs: 50 });
});
afterAll(async () => {
  await db.destroy();
  await fake.close();
});

const queuedRefreshes = () => countRows(db.db, 'Job', (q) => q.where('kind', '=', HOME_REFRESH_JOB).where('status', 'in', ['queued', 'running']));

describe('HomeRefresher', () => {
  it('folds a burst of changes into one publish for the member who made them (Home never opened)', async () => {
    const before = fake.calls().length;
    const change = { tenantId, teamId: TEAM, what: 'users' as const, bySlackMember: OWNER.slackUserId };
    // An import reports a change per batch: one publish follows, at the end of the 2-second slot.
    for (let i = 0; i < 5; i++) db.runtime.changes.record(change);
    await home.settled();
    await fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === OWNER.slackUserId, { after: before });
    while ((await queuedRefreshes()) > 0) await db.runtime.jobs.idle();
    expect(
      fake
        .calls()
        .slice(before)
        .filter((c) => c.method === 'views.publish'),
    ).toHaveLength(1);
  });

  it('refreshes the open App Home of an admin when another process (the CLI) changes the organization', async () => {
    await home.opened(TEAM, 'U0WATCHER');
    const before = fake.calls().length;
    const cli = await createRuntime({
      databaseUrl: db.url,
      database: db.runtime.database,
      logger: createLogger('error', () => undefined),
      jobQueues: (id) => [`cli:${id}`],
    });
    try {
      cli.changes.record({ tenantId, teamId: TEAM, what: 'licenses', bySlackMember: null });
    } finally {
      await cli.shutdown();
    }
    const published = await fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0WATCHER', { after: before });
    expect(published.response.ok).toBe(true);
  });
});
