import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { HOME_REFRESH_INTERVAL_MS, HomeRefresher } from '../../src/slack/services/home-refresher.js';
import { webApiPort } from '../../src/slack/web-api-port.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack-api.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

let fake: FakeSlack;
let db: TestDatabase;
let tenantId: string;

beforeAll(async () => {
  fake = await startFakeSlack();
  db = await createTestDatabase();
  tenantId = (await seedTenant(db.ctx)).tenantId;
});
afterAll(async () => {
  await fake.close();
  await db.destroy();
});

describe('HomeRefresher', () => {
  it('publishes the App Home of a member who made changes (Home never opened) at most once per interval', async () => {
    let now = 1_000_000;
    const slack = webApiPort(new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl }), fake.botToken);
    const home = new HomeRefresher({ core: db.ctx, slack, logger: createLogger('error', () => undefined) }, () => now);
    const change = { tenantId, teamId: TEAM, what: 'users' as const, bySlackMember: OWNER.slackUserId };
    try {
      const before = fake.calls().length;
      home.changed(change);
      expect(home.publishDueIn(OWNER.slackUserId)).toBe(0);
      await fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === OWNER.slackUserId, { after: before });
      // An import reports a change per batch: the next ones wait for the rest of the interval.
      now += 100;
      home.changed(change);
      expect(home.publishDueIn(OWNER.slackUserId)).toBe(HOME_REFRESH_INTERVAL_MS - 100);
      now += 100;
      home.changed(change);
      expect(home.publishDueIn(OWNER.slackUserId)).toBe(HOME_REFRESH_INTERVAL_MS - 200);
      expect(fake.calls('views.publish').length).toBe(1);
    } finally {
      home.stop();
    }
  });
});
