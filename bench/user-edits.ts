/**
 * `npm run bench -- user-edits`: Edit many adding a product to 10,000 users in one run (in process,
 * real SQLite file), and the ack latency of `/users edit <username>` at 50 requests/s against the
 * running app with 100,000 users in the directory (seeded through the store's multi-row insert).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CoreContext, MemberActor } from '../src/core/context.js';
import { buyLicenses } from '../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../src/core/licenses/check-seats.js';
import { productByPartNumber } from '../src/core/catalogue/catalogue.js';
import { setupTenant } from '../src/core/tenant/setup-tenant.js';
import { editManyUsers } from '../src/core/users/edit-many.js';
import { openDatabase } from '../src/db/open-database.js';
import { createLogger } from '../src/log.js';
import { createRuntime } from '../src/runtime/create-runtime.js';
import type { Db } from '../src/store/database.js';
import { insertDirectoryUsersSkippingTaken, type NewDirectoryUser } from '../src/store/directory-users.js';
import { tenantByTeam } from '../src/store/organizations.js';
import { startFakeSlack } from '../test/support/fake-slack-api.js';
import { SlackClientSim } from '../test/support/slack-requests.js';
import { spawnServer, type AppProcess } from './app-process.js';
import { type Figure, LOAD_HEADER, LOAD_RIGHT, type SuiteOptions, loadRow, table } from './figures.js';
import { callsOk, measure, phaseConfig } from './measure.js';
import { OWNER, seedTenant } from './seed.js';
import { commandBody } from './slack-bodies.js';

const SUITE = 'user-edits';
export const EDIT_MANY_USERS = 10_000;
export const DIRECTORY_USERS = 100_000;

/** `count` users named `<prefix>00001@contoso.onmicrosoft.com`…, through the store's multi-row insert. */
async function seedUsers(db: Db, tenantId: string, prefix: string, count: number): Promise<void> {
  const users: NewDirectoryUser[] = [];
  for (let i = 1; i <= count; i++) {
    const alias = `${prefix}${String(i).padStart(6, '0')}`;
    users.push({
      tenantId,
      userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
      alias,
      domain: 'contoso.onmicrosoft.com',
      displayName: `Bench ${i}`,
      profile: { firstName: 'Bench', lastName: String(i) },
      alternateEmail: null,
      usageLocation: 'NL',
      accountEnabled: true,
      slackUserId: null,
      passwordHash: 'hmac-sha256$bench$bench',
      forceChangePassword: true,
    });
  }
  await insertDirectoryUsersSkippingTaken(db, users, new Date());
}

async function editManyFigure(log: (line: string) => void, dir: string): Promise<Figure[]> {
  const runtime = await createRuntime({ databaseUrl: `file:${path.join(dir, 'edit-many.db')}`, logger: createLogger('error', () => undefined) });
  const db = runtime.database;
  const ctx: CoreContext = runtime.core;
  const owner: MemberActor = { teamId: 'T0BENCH', slackUserId: OWNER };
  try {
    const setup = await setupTenant(ctx, owner, {
      organizationName: 'Contoso',
      initialDomain: 'contoso',
      requester: { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, displayName: 'Olivia Owner' },
    });
    if (!setup.ok) throw new Error(setup.message);
    const basic = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
    await buyLicenses(ctx, owner, { product: basic.partNumber, quantity: EDIT_MANY_USERS });
    const tenant = (await tenantByTeam(db.db, owner.teamId))!;
    await seedUsers(db.db, tenant.id, 'm', EDIT_MANY_USERS);
    const usernames = Array.from({ length: EDIT_MANY_USERS }, (_, i) => `m${String(i + 1).padStart(6, '0')}@contoso.onmicrosoft.com`);
    log(`edit many: adding ${basic.displayName} to ${EDIT_MANY_USERS} users in one run...`);
    const started = performance.now();
    const result = await editManyUsers(ctx, owner, { usernames, licenses: { mode: 'add', products: [{ skuId: basic.skuId, disabledPlans: [] }] } });
    const seconds = (performance.now() - started) / 1000;
    if (!result.ok) throw new Error(result.message);
    const ledger = await checkSeatLedger(ctx);
    log(`  ${result.counts.done} changed in ${seconds.toFixed(2)} s; seat ledger ${ledger.length === 0 ? 'consistent' : 'INCONSISTENT'}`);
    return [
      { suite: SUITE, name: `edit many: add a product to ${EDIT_MANY_USERS} users`, value: seconds, unit: 's', target: { op: '<', value: 5 } },
      { suite: SUITE, name: 'edit many: users changed', value: result.counts.done, unit: '', target: { op: '=', value: EDIT_MANY_USERS } },
    ];
  } finally {
    await runtime.shutdown();
  }
}

async function editAckFigures(options: SuiteOptions, dir: string): Promise<Figure[]> {
  const { log } = options;
  const cfg = phaseConfig(options.quick);
  const signingSecret = randomBytes(16).toString('hex');
  const fake = await startFakeSlack({ triggerTtlMs: 10 * 60_000 });
  const url = `file:${path.join(dir, 'roster.db')}`;
  let app: AppProcess | undefined;
  try {
    app = await spawnServer({
      name: 'roster',
      script: 'dist/src/main.js',
      launcher: 'compiled',
      nodeFlags: [],
      env: {
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: fake.apiUrl,
        DATABASE_URL: url,
        LOG_LEVEL: 'info',
        SLACK_APP_TOKEN: '',
        ROSTER_BOOTSTRAP_ADMINS: '',
      },
      logDir: dir,
    });
    const sim = new SlackClientSim({ appUrl: `${app.baseUrl}/slack/events`, signingSecret, fake });
    await seedTenant(sim, fake);
    const seeding = await openDatabase(url);
    try {
      const tenant = await tenantByTeam(seeding.db, sim.identity.teamId);
      if (!tenant) throw new Error('the bench tenant was not set up');
      const started = performance.now();
      await seedUsers(seeding.db, tenant.id, 'u', DIRECTORY_USERS);
      log(`seeded ${DIRECTORY_USERS} users in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await seeding.close();
    }
    let n = 0;
    const measured = await measure(
      fake,
      app,
      {
        name: '/users edit <username>',
        target: (_phase, count) => ({
          url: `${app!.baseUrl}/slack/events`,
          signingSecret,
          body: commandBody(sim.identity, {
            command: '/users',
            text: `edit u${String((n++ % DIRECTORY_USERS) + 1).padStart(6, '0')}@contoso.onmicrosoft.com`,
            userId: OWNER,
            responseUrl: fake.issueResponseUrl({ channelId: 'C0GENERAL1', userId: OWNER }),
            triggerIds: Array.from({ length: count }, () => fake.issueTriggerId({ userId: OWNER })),
          }),
          expect: { bodyEmpty: true },
        }),
        afterAck: (f) => callsOk(f, 'views.open'),
      },
      cfg,
      { open: true, closed: false },
      log,
    );
    const open = measured.open!;
    log(
      `\n${table(LOAD_HEADER, [loadRow(measured.scenario, open.result, { appCpuMsPerReq: open.appCpuMsPerReq })], LOAD_RIGHT)}\n  after the acks: ${open.afterAck ?? '-'}`,
    );
    return [
      {
        suite: SUITE,
        name: `/users edit, ${DIRECTORY_USERS} users: open-loop p99`,
        value: open.result.latency.p99,
        unit: 'ms',
        target: { op: '<', value: 20 },
      },
      {
        suite: SUITE,
        name: `/users edit, ${DIRECTORY_USERS} users: open-loop errors`,
        value: open.result.errors,
        unit: '',
        target: { op: '=', value: 0 },
        note: `of ${open.result.sent}`,
      },
    ];
  } finally {
    if (app) await app.stop();
    await fake.close();
  }
}

export async function userEditsSuite(options: SuiteOptions): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-edits-'));
  try {
    return [...(await editManyFigure(options.log, dir)), ...(await editAckFigures(options, dir))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
