import { readFileSync } from 'node:fs';
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadEnv } from '../../src/config/env.js';
import { WORKSPACE_REMOVED } from '../../src/core/workspaces/slack-installations.js';
import { NOTICE_JOB, queueNotice } from '../../src/core/notices/queue-notice.js';
import { enqueue } from '../../src/core/jobs/enqueue.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { BOT_SCOPES } from '../../src/slack/bot-scopes.js';
import { startSlackApp } from '../../src/slack/create-app.js';
import { StartupProblem } from '../../src/slack/token-check.js';
import { findJob } from '../../src/store/jobs.js';
import { startFakeSlack } from '../support/fake-slack-api.js';
import { Browser, installWorkspace, runInstall } from '../support/oauth-install.js';
import { oauthEnv, SIGNING_SECRET, startRosterUnderTest, TEST_TUNING, type RosterUnderTest } from '../support/roster-under-test.js';
import type { SlackClientSim } from '../support/slack-requests.js';
import { createTestDatabase } from '../support/test-db.js';
import { rosterCli } from '../support/run-cli.js';

const A = 'T0AAAAAAA';
const B = 'T0BBBBBBB';
const OWNER_A = 'U0AOWNER1';
const OWNER_B = 'U0BOWNER1';
const text = (value: unknown) => JSON.stringify(value);

let r: RosterUnderTest;
let simA: SlackClientSim;
let simB: SlackClientSim;

beforeAll(async () => {
  r = await startRosterUnderTest({ manyWorkspaces: true });
  simA = await installWorkspace(r, A, { id: OWNER_A });
  simB = await installWorkspace(r, B, { id: OWNER_B });
});
afterAll(async () => r.stop());

const installation = (teamId: string) => r.db.db.selectFrom('SlackInstallation').selectAll().where('teamId', '=', teamId).executeTakeFirst();

/** Sets up `teamId`'s organization as `/users setup` would, with `owner` its first Global admin. */
async function setUp(teamId: string, owner: string, name: string): Promise<string> {
  const done = await setupTenant(
    r.db.ctx,
    { teamId, slackUserId: owner },
    {
      organizationName: name,
      initialDomain: name.toLowerCase(),
      requester: { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, firstName: name, lastName: 'Owner', displayName: `${name} Owner` },
    },
  );
  if (!done.ok) throw new Error(done.message);
  return done.tenantId;
}

describe("installing Roster through Slack's OAuth flow", () => {
  it('/slack/install sends the browser to Slack with the bot scopes and a state tied to it by a cookie; the way back stores the install, its token sealed', async () => {
    const C = 'T0CCCCCCC';
    r.fake.addTeam({ id: C, name: 'Cee Corp' });
    r.fake.seedUser({ id: 'U0COWNER1', teamId: C, isOwner: true });
    const browser = new Browser('U0COWNER1');
    const { start, landing } = await runInstall(r, browser);
    const consent = new URL(start.location!);
    expect(`${consent.origin}${consent.pathname}`).toBe(`${r.fake.url}/oauth/v2/authorize`);
    expect(consent.searchParams.get('client_id')).toBe(r.fake.clientId);
    expect(consent.searchParams.get('scope')?.split(',')).toEqual([...BOT_SCOPES]);
    expect(consent.searchParams.get('state')).toBeTruthy();
    expect(landing.status).toBe(200);
    expect(landing.text).toContain('Roster is installed in Cee Corp');
    expect(landing.text).toContain('/users setup');

    const [token] = r.fake.botTokensOf(C);
    const stored = await installation(C);
    expect(stored).toMatchObject({ teamId: C, teamName: 'Cee Corp', installedBy: 'U0COWNER1', botScopes: BOT_SCOPES.join(',') });
    // Sealed: neither the token nor any part of it is in the row.
    expect(Buffer.from(JSON.stringify(stored)).includes(token!)).toBe(false);
    expect(stored!.botTokenCiphertext.includes(Buffer.from(token!))).toBe(false);
    expect(r.logs.some((line) => line.includes(token!))).toBe(false);
  });

  it('is ready while Slack answers, with no token of its own (api.test)', async () => {
    const ready = await fetch(`${r.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { slack: 'ok' } });
    expect(r.fake.calls('api.test').length).toBeGreaterThan(0);
  });

  it("the bot scopes asked for are manifest.yml's", () => {
    const manifest = parse(readFileSync('manifest.yml', 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it("each workspace's requests are answered, and its Slack calls made, with its own token", async () => {
    const before = r.fake.calls().length;
    await simA.command('/users', 'setup', { userId: OWNER_A });
    await simB.command('/users', 'setup', { userId: OWNER_B });
    const opened = await r.fake.waitFor((c) => c.method === 'views.open' && c.response.ok === true && c.team === B, { after: before });
    const openedA = await r.fake.waitFor((c) => c.method === 'views.open' && c.team === A, { after: before });
    expect(openedA.token).toBe(r.fake.botTokensOf(A)[0]);
    expect(openedA.response.ok).toBe(true);
    expect(opened.token).toBe(r.fake.botTokensOf(B)[0]);
    // Who is asking was checked in their own workspace (users.info with its token).
    const asked = r.fake.calls('users.info').filter((c) => r.fake.calls().indexOf(c) >= before);
    expect(asked.map((c) => [c.args.user, c.team])).toEqual(
      expect.arrayContaining([
        [OWNER_A, A],
        [OWNER_B, B],
      ]),
    );
    expect(asked.every((c) => c.response.ok)).toBe(true);
  });

  it('a redirect not started in this browser, or with another state, is refused; nothing is stored', async () => {
    const D = 'T0DDDDDDD';
    r.fake.addTeam({ id: D });
    r.fake.seedUser({ id: 'U0DOWNER1', teamId: D, isOwner: true });
    const browser = new Browser('U0DOWNER1');
    const start = await browser.get(`${r.baseUrl}/slack/install`);
    const consent = await browser.get(start.location!);
    // Another browser (no state cookie) lands with the code: a link sent to someone else.
    const elsewhere = await new Browser().get(consent.location!);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain('did not come from an installation started in this browser');
    // The same browser, with the state changed.
    const forged = new URL(consent.location!);
    forged.searchParams.set('state', `${forged.searchParams.get('state')}x`);
    expect((await browser.get(forged.toString())).status).toBe(400);
    expect(await installation(D)).toBeUndefined();
    expect(r.fake.calls('oauth.v2.access').filter((c) => String(c.args.code).startsWith(D))).toEqual([]);
  });

  it('a code Slack no longer accepts (used already) is said in words; nothing is stored', async () => {
    const E = 'T0EEEEEEE';
    r.fake.addTeam({ id: E });
    r.fake.seedUser({ id: 'U0EOWNER1', teamId: E, isOwner: true });
    const browser = new Browser('U0EOWNER1');
    const start = await browser.get(`${r.baseUrl}/slack/install`);
    const consent = await browser.get(start.location!);
    // Someone exchanged the code first.
    const code = new URL(consent.location!).searchParams.get('code')!;
    const stolen = await new webApi.WebClient(undefined, { slackApiUrl: r.fake.apiUrl }).oauth.v2.access({
      client_id: r.fake.clientId,
      client_secret: r.fake.clientSecret,
      code,
    });
    expect(stolen.ok).toBe(true);
    const landing = await browser.get(consent.location!);
    expect(landing.status).toBe(400);
    expect(landing.text).toContain('Slack did not accept this installation');
    expect(r.fake.calls('oauth.v2.access').at(-1)?.response.error).toBe('invalid_code');
    expect(await installation(E)).toBeUndefined();
  });
});

describe('removing Roster from a workspace', () => {
  const F = 'T0FFFFFFF';
  const OWNER_F = 'U0FOWNER1';
  let simF: SlackClientSim;
  let tenantF = '';

  beforeAll(async () => {
    simF = await installWorkspace(r, F, { id: OWNER_F });
    tenantF = await setUp(F, OWNER_F, 'Fabrikam');
  });

  it('app_uninstalled deletes its token, ends its queued work with a reason and stops its App Home refreshes; its organization stays', async () => {
    // A member watches their App Home; a notice waits in the queue (for later).
    await simF.event({ type: 'app_home_opened', user: OWNER_F, tab: 'home', channel: `D${OWNER_F}` }, { eventId: 'Ev0FHOME1' });
    await r.handled('Ev0FHOME1');
    const queued = await enqueue(r.db.ctx, {
      tenantId: tenantF,
      kind: NOTICE_JOB,
      payload: { member: OWNER_F, text: 'Later.' },
      requestedBy: 'roster:notice',
      runAt: new Date(Date.now() + 3_600_000),
    });

    r.fake.revokeTokens(F);
    await simF.event({ type: 'app_uninstalled' }, { eventId: 'Ev0FGONE1' });
    await r.handled('Ev0FGONE1');

    expect(await installation(F)).toBeUndefined();
    expect(await findJob(r.db.db, queued.id)).toMatchObject({ status: 'failed', error: WORKSPACE_REMOVED });
    expect(await r.db.db.selectFrom('HomeWatch').select('slackUserId').where('teamId', '=', F).execute()).toEqual([]);
    expect(await r.db.db.selectFrom('Tenant').select('name').where('id', '=', tenantF).executeTakeFirst()).toEqual({ name: 'Fabrikam' });
    const audit = await r.db.db
      .selectFrom('AuditRecord')
      .select(['action', 'summary'])
      .where('tenantId', '=', tenantF)
      .where('action', '=', 'workspace.uninstalled')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.summary).toContain("the organization's data stays");
  });

  it('after it, a request from the workspace gets no answer and no Slack call, and work queued for it ends at once', async () => {
    const before = r.fake.calls().length;
    const logged = r.logs.length;
    const res = await simF.command('/users', 'list', { userId: OWNER_F });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    // A normal turn of events, said in one line naming the workspace; not an error, no stack.
    const said = r.logs.slice(logged).filter((line) => line.includes(F));
    expect(said.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'info', message: 'a request from a workspace Roster is not installed in was ignored', team: F }),
    ]);
    // Neither Bolt's own warning nor an "unhandled listener error" for it (other work may log meanwhile).
    expect(r.logs.slice(logged).filter((line) => /Authorization of incoming event|unhandled listener error/.test(line))).toEqual([]);
    // A change made at the command line queues a notice: it ends without calling Slack.
    await queueNotice(r.db.ctx, { tenantId: tenantF, member: OWNER_F, text: 'Anyone there?' });
    await r.quiet();
    const ended = await r.db.db
      .selectFrom('Job')
      .select(['status', 'error'])
      .where('tenantId', '=', tenantF)
      .where('kind', '=', 'notice')
      .orderBy('createdAt', 'desc')
      .executeTakeFirstOrThrow();
    expect(ended).toEqual({ status: 'failed', error: WORKSPACE_REMOVED });
    expect(
      r.fake
        .calls()
        .slice(before)
        .filter((c) => c.team === F || (c.token && r.fake.botTokensOf(F).includes(c.token))),
    ).toEqual([]);
  });

  it('a reinstall resumes: the same organization, a new token', async () => {
    const simAgain = await installWorkspace(r, F, { id: OWNER_F });
    const tokens = r.fake.botTokensOf(F);
    expect(tokens).toHaveLength(2);
    const before = r.fake.calls().length;
    const res = await simAgain.command('/users', 'list', { userId: OWNER_F });
    expect(text(res.body)).toContain('Fabrikam Owner');
    await queueNotice(r.db.ctx, { tenantId: tenantF, member: OWNER_F, text: 'Welcome back.' });
    const sent = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && text(c.args.text).includes('Welcome back'), { after: before });
    expect(sent.token).toBe(tokens[1]);
    expect(sent.response.ok).toBe(true);
    const audit = await r.db.db
      .selectFrom('AuditRecord')
      .select('action')
      .where('tenantId', '=', tenantF)
      .where('action', '=', 'workspace.installed')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("tokens_revoked removes the workspace only when the bot's token is among them", async () => {
    await simF.event({ type: 'tokens_revoked', tokens: { oauth: ['U0FOWNER1'] } }, { eventId: 'Ev0FREVK1' });
    await r.handled('Ev0FREVK1');
    expect(await installation(F)).toBeDefined();
    r.fake.revokeTokens(F);
    await simF.event({ type: 'tokens_revoked', tokens: { bot: [r.fake.team(F)!.botUserId] } }, { eventId: 'Ev0FREVK2' });
    await r.handled('Ev0FREVK2');
    expect(await installation(F)).toBeUndefined();
  });
});

describe("deleting an organization Roster was removed from: its owner's choice, at the command line", () => {
  it('asks for the name again, refuses other roles and a running job, then deletes every row of it and nothing else', async () => {
    const G = 'T0GGGGGGG';
    const simG = await installWorkspace(r, G, { id: 'U0GOWNER1' });
    const tenantG = await setUp(G, 'U0GOWNER1', 'Gadgets');
    await setUp(A, OWNER_A, 'Contoso');
    await simG.event({ type: 'app_home_opened', user: 'U0GOWNER1', tab: 'home', channel: 'DU0GOWNER1' }, { eventId: 'Ev0GHOME1' });
    await r.handled('Ev0GHOME1');
    await queueNotice(r.db.ctx, { tenantId: tenantG, member: 'U0GOWNER1', text: 'Hello.' });
    await r.quiet();
    r.fake.revokeTokens(G);
    await simG.event({ type: 'app_uninstalled' }, { eventId: 'Ev0GGONE1' });
    await r.handled('Ev0GGONE1');
    const roster = rosterCli(r.db);
    const rows = async (tenantId: string) => ({
      users: (await r.db.db.selectFrom('DirectoryUser').select('id').where('tenantId', '=', tenantId).execute()).length,
      terms: (await r.db.db.selectFrom('UserSearchTerm').select('userId').where('tenantId', '=', tenantId).execute()).length,
      audit: (await r.db.db.selectFrom('AuditRecord').select('id').where('tenantId', '=', tenantId).execute()).length,
      jobs: (await r.db.db.selectFrom('Job').select('id').where('tenantId', '=', tenantId).execute()).length,
      tenant: (await r.db.db.selectFrom('Tenant').select('id').where('id', '=', tenantId).execute()).length,
    });
    const before = await rows(tenantG);
    expect(before).toMatchObject({ users: 1, tenant: 1 });
    expect(before.terms * before.audit * before.jobs).toBeGreaterThan(0);
    const tenantA = (await r.db.db.selectFrom('Tenant').select('id').where('slackTeamId', '=', A).executeTakeFirstOrThrow()).id;
    const untouched = await rows(tenantA);

    const wrong = await roster('organization', 'delete', '--workspace', G, '--confirm', 'gadgets');
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringContaining('--confirm: Type Gadgets to confirm.') });
    const notGlobal = await roster('organization', 'delete', '--workspace', G, '--confirm', 'Gadgets', '--role', 'user_admin');
    expect(notGlobal.code).toBe(3);
    const jobRow = await r.db.db.selectFrom('Job').select('id').where('tenantId', '=', tenantG).executeTakeFirstOrThrow();
    await r.db.db.updateTable('Job').set({ status: 'running' }).where('id', '=', jobRow.id).execute();
    const running = await roster('organization', 'delete', '--workspace', G, '--confirm', 'Gadgets');
    expect(running.stderr).toContain('1 job of the organization is running: wait for it to end, or cancel it from `roster jobs`');
    await r.db.db.updateTable('Job').set({ status: 'failed' }).where('id', '=', jobRow.id).execute();
    const rehearsed = await roster('organization', 'delete', '--workspace', G, '--confirm', 'Gadgets', '--dry-run');
    expect(rehearsed.stdout).toContain('nothing was deleted');
    expect(await rows(tenantG)).toEqual(before);

    const deleted = await roster('organization', 'delete', '--workspace', G, '--confirm', 'Gadgets');
    expect(deleted).toMatchObject({ code: 0, stdout: expect.stringContaining("Deleted Gadgets (workspace T0GGGGGGG) and all of Roster's data about it.") });
    expect(await rows(tenantG)).toEqual({ users: 0, terms: 0, audit: 0, jobs: 0, tenant: 0 });
    expect(await r.db.db.selectFrom('HomeWatch').select('slackUserId').where('teamId', '=', G).execute()).toEqual([]);
    expect(await rows(tenantA)).toEqual(untouched);
  });
});

describe('start-up settings for many workspaces', () => {
  const base = { SLACK_SIGNING_SECRET: SIGNING_SECRET };
  const problems = (env: Record<string, string>) => {
    const loaded = loadEnv({ ...base, ...env });
    return loaded.ok ? '' : loaded.message;
  };
  const oauth = { SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'abcdef0123456789abcdef', SLACK_STATE_SECRET: 'x'.repeat(32) };

  it('both ways to Slack, or a part of the OAuth settings, stop the start naming what to set', () => {
    expect(problems({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(
      /SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET/,
    );
    const partial = problems({ SLACK_CLIENT_ID: oauth.SLACK_CLIENT_ID });
    expect(partial).toMatch(/SLACK_CLIENT_SECRET is missing \(serving many workspaces needs/);
    expect(partial).toMatch(/SLACK_STATE_SECRET is missing/);
    expect(partial).not.toMatch(/SLACK_BOT_TOKEN is missing/);
    expect(problems({ ...oauth, SLACK_APP_TOKEN: 'xapp-1' })).toMatch(/SLACK_APP_TOKEN is set, but serving many workspaces works over HTTP only/);
    expect(problems({ ...oauth, SLACK_STATE_SECRET: 'short' })).toMatch(/SLACK_STATE_SECRET must be at least 32 random characters/);
    expect(loadEnv({ ...base, ...oauth }).ok).toBe(true);
  });

  it('a Client ID or Client Secret Slack does not accept stops the start, naming it', async () => {
    const fake = await startFakeSlack();
    const db = await createTestDatabase();
    try {
      for (const [wrong, named] of [
        [{ SLACK_CLIENT_ID: '9999.9999' }, /Slack does not know SLACK_CLIENT_ID \(invalid_client_id\)/],
        [{ SLACK_CLIENT_SECRET: 'ffffffffffffffffffffffffffffffff' }, /Slack refused SLACK_CLIENT_SECRET \(bad_client_secret\)/],
      ] as const) {
        const loaded = loadEnv({ ...oauthEnv(fake), ...wrong, ...base, PORT: '0', SLACK_API_URL: fake.apiUrl, DATABASE_URL: db.url });
        if (!loaded.ok) throw new Error(loaded.message);
        const started = startSlackApp(db.runtime, loaded.env, TEST_TUNING);
        await expect(started).rejects.toThrow(StartupProblem);
        await expect(started).rejects.toThrow(named);
      }
    } finally {
      await db.destroy();
      await fake.close();
    }
  });
});
