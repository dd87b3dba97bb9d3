import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { addUser } from '../../src/core/users/add-user.js';
import { queueNotice } from '../../src/core/notices/queue-notice.js';
import { ACTION } from '../../src/slack/views/ids.js';
import type { RecordedCall } from '../support/fake-slack-api.js';
import { installWorkspace } from '../support/oauth-install.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { rosterCli } from '../support/run-cli.js';
import { externalSelect, multiStaticSelect, plainText, radio, usersSelect, type SlackClientSim } from '../support/slack-requests.js';
import { openAddUserForm, submitAndFinish } from './add-user-wizard.js';
import { csvBytes, dmUpload, fileSharedEvent, text, userRow, waitForPreview } from './import-helpers.js';

/**
 * Two workspaces installed through Slack's OAuth flow, each with its organization: Contoso in A,
 * Fabrikam in B. What one workspace's members see, and every Slack call made for them, is their
 * own organization's and their own workspace's; the fake refuses a call that acts on another
 * workspace's member, channel, file or view, so a mistake fails here loudly.
 */
const A = 'T0AAAAAAA';
const B = 'T0BBBBBBB';
const OWNER_A = 'U0AOWNER1';
const HR_A = 'U0AHR0001';
const OWNER_B = 'U0BOWNER1';
const MEMBER_B = 'U0BMEMB01';
const CHANNEL_A = 'C0AGENERAL';
const CHANNEL_B = 'C0BGENERAL';
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const STANDARD = productByPartNumber('O365_BUSINESS_PREMIUM')!;

let r: RosterUnderTest;
let simA: SlackClientSim;
let simB: SlackClientSim;

/** The organization of `teamId` (set up as /users setup would), with `seats` of `partNumber` and one more user. */
async function organization(teamId: string, owner: string, name: string, partNumber: string, user: { alias: string; displayName: string }) {
  const actor = { teamId, slackUserId: owner };
  const setup = await setupTenant(r.db.ctx, actor, {
    organizationName: name,
    initialDomain: name.toLowerCase(),
    requester: { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, firstName: name, lastName: 'Owner', displayName: `${name} Owner` },
  });
  if (!setup.ok) throw new Error(setup.message);
  const bought = await buyLicenses(r.db.ctx, actor, { product: partNumber, quantity: 5 });
  if (!bought.ok) throw new Error(bought.message);
  const added = await addUser(r.db.ctx, actor, { ...user, domain: `${name.toLowerCase()}.onmicrosoft.com`, password: { mode: 'auto' } });
  if (!added.ok) throw new Error(added.message);
}

beforeAll(async () => {
  r = await startRosterUnderTest({ manyWorkspaces: true });
  simA = await installWorkspace(r, A, { id: OWNER_A, name: 'Contoso Owner' });
  simB = await installWorkspace(r, B, { id: OWNER_B, name: 'Fabrikam Owner' });
  r.fake.seedUser({ id: HR_A, teamId: A, realName: 'Hana HR' });
  r.fake.seedUser({ id: MEMBER_B, teamId: B, realName: 'Mo Member' });
  r.fake.addChannel(CHANNEL_A, A);
  r.fake.addChannel(CHANNEL_B, B);
  await organization(A, OWNER_A, 'Contoso', BASIC.partNumber, { alias: 'ana', displayName: 'Ana Alvarez' });
  await organization(B, OWNER_B, 'Fabrikam', STANDARD.partNumber, { alias: 'anabell', displayName: 'Ana Bell' });
});
afterAll(async () => r.stop());

const since = (before: number) => r.fake.calls().slice(before);
/** Every Slack call since `before` acted in `team` with its token, and Slack accepted each. */
function allIn(calls: RecordedCall[], team: string): void {
  const apiCalls = calls.filter((c) => !c.method.startsWith('$') || c.method === '$download');
  expect(apiCalls.length).toBeGreaterThan(0);
  for (const call of apiCalls) {
    expect(r.fake.botTokensOf(team), `${call.method} with ${team}'s token`).toContain(call.token);
    expect(call.response.ok, `${call.method}: ${JSON.stringify(call.response)}`).toBe(true);
  }
}
const commandA = (line: string, user = OWNER_A) => simA.command('/users', line, { userId: user, channelId: CHANNEL_A });
const commandB = (line: string, user = OWNER_B) => simB.command('/users', line, { userId: user, channelId: CHANNEL_B });

describe('users: each workspace lists, finds and shows its own organization only', () => {
  it('/users list', async () => {
    const a = text((await commandA('list')).body);
    const b = text((await commandB('list')).body);
    expect(a).toContain('ana@contoso.onmicrosoft.com');
    expect(a).not.toContain('fabrikam');
    expect(b).toContain('anabell@fabrikam.onmicrosoft.com');
    expect(b).not.toContain('contoso');
  });

  it('/users find and /users show', async () => {
    const found = text((await commandB('find ana')).body);
    expect(found).toContain('Ana Bell');
    expect(found).not.toContain('Ana Alvarez');
    const shown = text((await commandB('show ana@contoso.onmicrosoft.com')).body);
    expect(shown).not.toContain('Ana Alvarez');
    expect(shown).toMatch(/no user|not found|No active user/i);
    expect(text((await commandA('show ana')).body)).toContain('Ana Alvarez');
  });
});

describe("/licenses: each workspace's own products and seats", () => {
  it('lists only what its organization bought', async () => {
    const a = text((await simA.command('/licenses', 'list', { userId: OWNER_A, channelId: CHANNEL_A })).body);
    const b = text((await simB.command('/licenses', 'list', { userId: OWNER_B, channelId: CHANNEL_B })).body);
    expect(a).toContain(BASIC.displayName);
    expect(a).not.toContain(STANDARD.displayName);
    expect(b).toContain(STANDARD.displayName);
    expect(b).not.toContain(BASIC.displayName);
  });
});

describe("jobs and audit: each workspace's own", () => {
  it("an export in A runs with A's token into A's DM, and is listed by A's /users jobs only", async () => {
    await r.quiet();
    const before = r.fake.calls().length;
    await commandA('export');
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal', { after: before });
    await r.quiet();
    allIn(since(before), A);
    expect(text((await commandA('jobs')).body)).toMatch(/Export a view\*: done/);
    expect(text((await commandB('jobs')).body)).not.toMatch(/Export a view/);
  });

  it("/users audit shows the organization's own records", async () => {
    const a = text((await commandA('audit')).body);
    const b = text((await commandB('audit')).body);
    expect(a).toContain('ana@contoso.onmicrosoft.com');
    expect(a).not.toContain('fabrikam');
    expect(b).toContain('anabell@fabrikam.onmicrosoft.com');
    expect(b).not.toContain('contoso');
  });
});

describe("import files: a file shared in A is read with A's token, never with B's", () => {
  it("A's CSV is previewed in A; B naming A's file reads nothing of it", async () => {
    await r.quiet();
    const before = r.fake.calls().length;
    const file = r.fake.addFile({ name: 'hires.csv', bytes: csvBytes([userRow('newbie', 'New Bie')]), user: OWNER_A });
    const upload = dmUpload(file, { user: OWNER_A });
    await simA.event(upload.fileShared, { eventId: 'Ev0AFILE01' });
    await r.handled('Ev0AFILE01');
    await waitForPreview(r, upload.channel, upload.ts, before);
    allIn(since(before), A);
    expect(since(before).some((c) => c.method === '$download' && c.args.file_id === file.id)).toBe(true);

    // B's member names A's file in B (a forged or mistaken event): Slack finds no such file for B's token.
    const forged = r.fake.calls().length;
    await simB.event(fileSharedEvent(file, { user: OWNER_B, channel: `D${OWNER_B}` }), { eventId: 'Ev0BFILE01' });
    await r.handled('Ev0BFILE01');
    const tried = since(forged);
    expect(tried.filter((c) => c.method === 'files.info').map((c) => [c.team, c.response.error])).toEqual([[B, 'file_not_found']]);
    expect(tried.filter((c) => c.method === '$download')).toEqual([]);
    expect(tried.every((c) => c.token === undefined || r.fake.botTokensOf(B).includes(c.token))).toBe(true);
    expect(r.fake.dmsTo(OWNER_B).some((m) => text(m).includes('newbie'))).toBe(false);
  });
});

describe("App Home: each member's own organization, refreshed in their own workspace", () => {
  it("shows A's organization to A's owner and B's to B's; a change in B refreshes only B's Homes", async () => {
    await r.quiet();
    const before = r.fake.calls().length;
    await simA.event({ type: 'app_home_opened', user: OWNER_A, tab: 'home', channel: `D${OWNER_A}` }, { eventId: 'Ev0AHOME01' });
    await simB.event({ type: 'app_home_opened', user: OWNER_B, tab: 'home', channel: `D${OWNER_B}` }, { eventId: 'Ev0BHOME01' });
    await r.handled('Ev0AHOME01');
    await r.handled('Ev0BHOME01');
    expect(text(r.fake.homeOf(OWNER_A))).toContain('Contoso');
    expect(text(r.fake.homeOf(OWNER_A))).not.toContain('Fabrikam');
    expect(text(r.fake.homeOf(OWNER_B))).toContain('Fabrikam');
    const published = since(before).filter((c) => c.method === 'views.publish');
    expect(published.map((c) => [c.args.user_id, c.team])).toEqual(
      expect.arrayContaining([
        [OWNER_A, A],
        [OWNER_B, B],
      ]),
    );

    const change = r.fake.calls().length;
    const added = await addUser(
      r.db.ctx,
      { teamId: B, slackUserId: OWNER_B },
      { alias: 'cruz', displayName: 'Cruz', domain: 'fabrikam.onmicrosoft.com', password: { mode: 'auto' } },
    );
    expect(added.ok).toBe(true);
    await r.fake.waitFor((c) => c.method === 'views.publish', { after: change });
    await r.quiet();
    const refreshed = since(change).filter((c) => c.method === 'views.publish');
    expect(refreshed.map((c) => [c.args.user_id, c.team])).toEqual([[OWNER_B, B]]);
  });
});

describe('credential notices: sent in their workspace, shown only to their recipient', () => {
  it("A's notice goes out with A's token; B's member pressing its Show password is refused, the password stays for its recipient", async () => {
    await r.quiet();
    const before = r.fake.calls().length;
    const viewId = await openAddUserForm({ ...r, sim: simA }, OWNER_A);
    const result = await submitAndFinish(
      { ...r, sim: simA },
      viewId,
      {
        firstName: { value: plainText('Noor') },
        displayName: { value: plainText('Noor') },
        alias: { value: plainText('noor') },
        passwordMode: { value: radio('auto') },
        usageLocation: { value: externalSelect('NL') },
        licenses: { value: multiStaticSelect([BASIC.skuId]) },
        credentialRecipients: { value: usersSelect([HR_A]) },
      },
      OWNER_A,
    );
    expect(text(result.body)).not.toContain('"errors"');
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${HR_A}`, { after: before });
    await r.quiet();
    allIn(since(before), A);
    const notice = r.fake.dmsTo(HR_A).find((m) => text(m).includes('noor@contoso'))!;

    const pressed = r.fake.calls().length;
    await simB.blockAction({ userId: MEMBER_B, actionId: ACTION.showPassword, message: notice, channelId: `D${MEMBER_B}` });
    const refusal = await r.fake.waitFor((c) => c.method === 'views.open', { after: pressed });
    expect(refusal.team).toBe(B);
    expect(text(refusal.args.view)).toContain('Roster has no password waiting for this message');
    const pending = await r.db.db.selectFrom('PendingCredential').select(['viewedAt', 'ciphertext']).where('recipient', '=', HR_A).executeTakeFirstOrThrow();
    expect(pending.viewedAt).toBeNull();
    expect(pending.ciphertext).not.toBeNull();

    const own = r.fake.calls().length;
    await simA.blockAction({ userId: HR_A, actionId: ACTION.showPassword, message: notice });
    const shown = await r.fake.waitFor((c) => c.method === 'views.open', { after: own });
    expect(shown.team).toBe(A);
    expect(text(shown.args.view)).toContain('noor@contoso.onmicrosoft.com');
  });
});

describe("rate limits: one workspace's Retry-After holds up only its own calls", () => {
  it("while A's token waits out a 429, B's DM goes at once", async () => {
    await r.quiet();
    const tenants = await r.db.db.selectFrom('Tenant').select(['id', 'slackTeamId']).execute();
    const tenantOf = (team: string) => tenants.find((t) => t.slackTeamId === team)!.id;
    const before = r.fake.calls().length;
    r.fake.failNext('chat.postMessage', 'ratelimited', { retryAfter: 3, team: A });
    await queueNotice(r.db.ctx, { tenantId: tenantOf(A), member: OWNER_A, text: 'For A, after a wait.' });
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.response.error === 'ratelimited', { after: before });
    await queueNotice(r.db.ctx, { tenantId: tenantOf(B), member: OWNER_B, text: 'For B, at once.' });
    const sentB = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.response.ok === true && c.team === B, { after: before });
    const sentA = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.response.ok === true && c.team === A, { after: before, timeoutMs: 10_000 });
    // A's retry came after its Retry-After; B's DM did not wait for it.
    expect(r.fake.calls().indexOf(sentB)).toBeLessThan(r.fake.calls().indexOf(sentA));
  });
});

describe('the command line: --workspace chooses the organization', () => {
  it('without it, names the workspaces to choose from; with it, acts in that one only', async () => {
    const roster = rosterCli(r.db);
    const unsure = await roster('list');
    expect(unsure.code).toBe(2);
    expect(unsure.stderr).toContain(`--workspace <T…> is needed: the database holds several organizations (${A}, ${B})`);
    const a = await roster('list', '--workspace', A);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('ana@contoso.onmicrosoft.com');
    expect(a.stdout).not.toContain('fabrikam');
    const b = await roster('find', 'ana', '--workspace', B);
    expect(b.stdout).toContain('anabell@fabrikam.onmicrosoft.com');
    expect(b.stdout).not.toContain('contoso');
    const listed = await roster('workspaces', '--output', 'json');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ teamId: A, organization: 'Contoso', installedBy: OWNER_A }),
      expect.objectContaining({ teamId: B, organization: 'Fabrikam', installedBy: OWNER_B }),
    ]);
  });
});
