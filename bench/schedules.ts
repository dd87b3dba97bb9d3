/**
 * `npm run bench -- schedules`: does a queue of scheduled changes slow Roster's acks? `/licenses`
 * is sent open loop at 20 requests a second against the running app (`node dist/src/main.js`), with
 * no scheduled change, then with 10,000 scheduled offboardings pending (10,000 users, each with its
 * job months ahead, as `scheduleOffboarding` queues them). Target: the p99 grows by < 5 ms (issue 17).
 * Also the ack of `/users scheduled` itself with those 10,000 pending (it reads the first 40 and counts the rest).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OFFBOARD_JOB } from '../src/core/schedules/offboarding.js';
import { openDatabase } from '../src/db/open-database.js';
import { inTransaction } from '../src/store/database.js';
import { insertDirectoryUsersSkippingTaken, type NewDirectoryUser } from '../src/store/directory-users.js';
import { enqueueJob } from '../src/store/jobs.js';
import { tenantByTeam } from '../src/store/organizations.js';
import { startFakeSlack } from '../test/support/fake-slack-api.js';
import { SlackClientSim } from '../test/support/slack-requests.js';
import type { AppProcess } from './app-process.js';
import { licensesTarget, measureLicenses, RATE, startRoster } from './busy-steps.js';
import { type Figure, LOAD_HEADER, LOAD_RIGHT, type SuiteOptions, loadRow, table } from './figures.js';
import { runLoadInWorker } from './load.js';
import { OWNER, seedTenant } from './seed.js';
import { commandBody } from './slack-bodies.js';

const SUITE = 'schedules';
export const PENDING = 10_000;
const DAY = 86_400_000;

/** `PENDING` users, each with a scheduled offboarding between 30 and 395 days ahead, written through the store. */
async function seedPending(url: string, teamId: string): Promise<void> {
  const seeding = await openDatabase(url);
  try {
    const tenant = await tenantByTeam(seeding.db, teamId);
    if (!tenant) throw new Error('the bench tenant was not set up');
    const now = new Date();
    const users: NewDirectoryUser[] = Array.from({ length: PENDING }, (_, i) => {
      const alias = `leaver${String(i + 1).padStart(5, '0')}`;
      return {
        tenantId: tenant.id,
        userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
        alias,
        domain: 'contoso.onmicrosoft.com',
        displayName: `Leaver ${i + 1}`,
        profile: {},
        alternateEmail: null,
        usageLocation: 'NL',
        accountEnabled: true,
        slackUserId: null,
        passwordHash: 'hmac-sha256$bench$bench',
        forceChangePassword: true,
      };
    });
    await insertDirectoryUsersSkippingTaken(seeding.db, users, now);
    const ids = await seeding.db.selectFrom('DirectoryUser').select(['id', 'userPrincipalName']).where('aliasKey', 'like', 'leaver%').execute();
    await inTransaction(seeding.db, async (tx) => {
      for (const [i, user] of ids.entries()) {
        const lastDay = new Date(now.getTime() + (30 + (i % 365)) * DAY);
        await enqueueJob(
          tx,
          {
            tenantId: tenant.id,
            kind: OFFBOARD_JOB,
            key: `offboard:${user.id}:000001`,
            payload: {
              actor: { teamId, slackUserId: OWNER },
              userId: user.id,
              userPrincipalName: user.userPrincipalName,
              lastDay: lastDay.toISOString().slice(0, 10),
              deleteAfterDays: null,
            },
            requestedBy: OWNER,
            maxAttempts: 3,
            runAt: lastDay,
          },
          now,
        );
      }
    });
  } finally {
    await seeding.close();
  }
}

export async function schedulesSuite(options: SuiteOptions): Promise<Figure[]> {
  const { log } = options;
  const durationMs = options.quick ? 3_000 : 10_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-schedules-'));
  const signingSecret = randomBytes(16).toString('hex');
  const fake = await startFakeSlack();
  let app: AppProcess | undefined;
  try {
    app = await startRoster(fake, { dir, name: 'roster', signingSecret });
    const sim = new SlackClientSim({ appUrl: `${app.baseUrl}/slack/events`, signingSecret, fake });
    await seedTenant(sim, fake);
    const target = licensesTarget(app, sim, fake, signingSecret);
    await runLoadInWorker({ kind: 'open', target, ratePerSecond: RATE, durationMs: 1000 }); // warm-up, not reported
    log(`baseline: /licenses at ${RATE}/s for ${durationMs / 1000} s, nothing scheduled`);
    const baseline = await measureLicenses(app, target, durationMs);
    const started = performance.now();
    await seedPending(`file:${path.join(dir, 'roster.db')}`, sim.identity.teamId);
    log(`seeded ${PENDING.toLocaleString('en')} scheduled offboardings in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    log(`/licenses at ${RATE}/s for ${durationMs / 1000} s with them pending (the job runner polls every second meanwhile)`);
    const pending = await measureLicenses(app, target, durationMs);
    const listTarget = {
      url: `${app.baseUrl}/slack/events`,
      signingSecret,
      body: commandBody(sim.identity, {
        command: '/users',
        text: 'scheduled',
        userId: OWNER,
        responseUrl: fake.issueResponseUrl({ channelId: 'C0GENERAL1', userId: OWNER }),
      }),
      expect: { bodyIncludes: 'Scheduled changes' },
    };
    const listed = await measureLicenses(app, listTarget, durationMs);
    log(
      `\n${table(
        LOAD_HEADER,
        [
          loadRow('/licenses, nothing scheduled', baseline.result),
          loadRow(`/licenses, ${PENDING.toLocaleString('en')} scheduled`, pending.result),
          loadRow(`/users scheduled, ${PENDING.toLocaleString('en')} scheduled`, listed.result),
        ],
        LOAD_RIGHT,
      )}`,
    );
    return [
      { suite: SUITE, name: '/licenses, nothing scheduled: open-loop p99', value: baseline.result.latency.p99, unit: 'ms' },
      { suite: SUITE, name: `/licenses, ${PENDING.toLocaleString('en')} scheduled: open-loop p99`, value: pending.result.latency.p99, unit: 'ms' },
      {
        suite: SUITE,
        name: `ack p99 added by ${PENDING.toLocaleString('en')} pending schedules (/licenses)`,
        value: pending.result.latency.p99 - baseline.result.latency.p99,
        unit: 'ms',
        target: { op: '<', value: 5 },
      },
      {
        suite: SUITE,
        name: `/users scheduled, ${PENDING.toLocaleString('en')} scheduled: open-loop p99`,
        value: listed.result.latency.p99,
        unit: 'ms',
        target: { op: '<', value: 50 },
        note: 'the first 40 and a count',
      },
      { suite: SUITE, name: 'errors', value: baseline.result.errors + pending.result.errors + listed.result.errors, unit: '', target: { op: '=', value: 0 } },
    ];
  } finally {
    if (app) await app.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
