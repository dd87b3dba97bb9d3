/**
 * The baseline beside Roster's figures: a bare Bolt app (bench/bare-bolt-app.ts) in its own
 * process, same launcher, same fake Slack API, same load, acking a slash command and opening a
 * modal. The gap between it and Roster is what Roster itself costs.
 */
import path from 'node:path';
import type { FakeSlack } from '../test/support/fake-slack-api.js';
import { spawnServer } from './app-process.js';
import { type Measured, type PhaseConfig, type Scenario, callsOk, measure } from './measure.js';
import { commandBody } from './slack-bodies.js';
import type { QuietBudget } from './system-load.js';

export async function measureBareBolt(
  fake: FakeSlack,
  o: { signingSecret: string; logDir: string; cfg: PhaseConfig; userId: string; log: (line: string) => void; budget: QuietBudget },
): Promise<Measured> {
  const app = await spawnServer({
    name: 'bare-bolt',
    script: path.join('bench', 'bare-bolt-app.ts'),
    launcher: 'node-import',
    env: { SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: o.signingSecret, SLACK_API_URL: fake.apiUrl },
    logDir: o.logDir,
  });
  try {
    const identity = { teamId: fake.teamId, teamDomain: fake.teamDomain, apiAppId: fake.appId, botUserId: fake.botUserId };
    const scenario: Scenario = {
      name: 'bare Bolt: slash command + views.open',
      target: (_phase, count) => ({
        url: `${app.baseUrl}/slack/events`,
        signingSecret: o.signingSecret,
        body: commandBody(identity, {
          command: '/users',
          text: 'add',
          userId: o.userId,
          responseUrl: fake.issueResponseUrl({ channelId: 'C0GENERAL1', userId: o.userId }),
          triggerIds: Array.from({ length: count }, () => fake.issueTriggerId({ userId: o.userId })),
        }),
        expect: { bodyEmpty: true },
      }),
      afterAck: (f) => callsOk(f, 'views.open'),
    };
    return await measure(fake, app, scenario, o.cfg, { open: true, closed: true }, o.log, o.budget);
  } finally {
    await app.stop();
  }
}
