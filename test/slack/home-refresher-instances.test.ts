import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { HOME_REFRESH_INTERVAL_MS, HOME_REFRESH_JOB, HomeRefresher } from '../../src/slack/services/home-refresher.js';
import { oneTokenPorts } from '../../src/slack/slack-ports.js';
import { webApiPort } from '../../src/slack/web-api-port.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack-api.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

/*
 * Two instances behind one URL, each with its App Home refresher following the change feed: a
 * member changes things through both at once, and each instance hears both changes (its own at
 * once, the other's from the feed). The refresh is keyed by member and slot, so whichever
 * instances queue it, one job is made and the Home is published once, on one of them.
 */
const quiet = createLogger('error', () => undefined);

describeOnEachDatabase('App Home refreshes across instances', (kind) => {
  let fake: FakeSlack;
  let db: TestDatabase;
  let other: Runtime;
  let clock: number;
  beforeEach(async () => {
    fake = await startFakeSlack();
    // The middle of a refresh slot, held there until the test lets the slot end.
    clock = (Math.floor(Date.now() / HOME_REFRESH_INTERVAL_MS) + 1) * HOME_REFRESH_INTERVAL_MS + 100;
    db = await createTestDatabase(() => new Date(clock), { kind });
    other = await createRuntime({
      databaseUrl: db.url,
      now: () => new Date(clock),
      logger: quiet,
      ...(kind === 'sqlite' ? { database: db.runtime.database } : { secretKey: randomBytes(32) }),
    });
  });
  afterEach(async () => {
    await other.shutdown();
    await db.destroy();
    await fake.close();
  });

  it('a member changing things through two instances at once gets one publish', async () => {
    const tenantId = (await seedTenant(db.ctx)).tenantId;
    const slack = webApiPort(new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl }), fake.botToken);
    const refreshers = [db.runtime, other].map((runtime) => {
      const home = new HomeRefresher({ core: runtime.core, ports: oneTokenPorts(slack), logger: quiet });
      runtime.changes.subscribe((change) => home.changed(change));
      runtime.jobs.register(home.job());
      return home;
    });
    await Promise.all([db.runtime, other].map((runtime) => runtime.start({ followChangesMs: 60_000 })));
    const before = fake.calls().length;
    db.runtime.changes.record({ tenantId, teamId: TEAM, what: 'users', bySlackMember: OWNER.slackUserId });
    other.changes.record({ tenantId, teamId: TEAM, what: 'licenses', bySlackMember: OWNER.slackUserId });
    await Promise.all([db.runtime.changes.stop(), other.changes.stop()]);
    // Each instance reads the other's change from the feed, and queues a refresh for it too.
    await Promise.all([db.runtime.changes.readNew(), other.changes.readNew()]);
    await Promise.all(refreshers.map((home) => home.settled()));
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', HOME_REFRESH_JOB))).toBe(1);
    // The slot ends: one instance publishes.
    clock += HOME_REFRESH_INTERVAL_MS;
    for (const runtime of [db.runtime, other]) runtime.jobs.nudge();
    await fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === OWNER.slackUserId, { after: before });
    await Promise.all([db.runtime.jobs.idle(), other.jobs.idle()]);
    expect(
      fake
        .calls()
        .slice(before)
        .filter((c) => c.method === 'views.publish'),
    ).toHaveLength(1);
  });
});
