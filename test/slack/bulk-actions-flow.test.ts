import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/core/users/add-user.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { ACTION } from '../../src/slack/views/ids.js';
import { checkboxes, usersSelect } from '../support/slack-requests.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const HELPDESK = 'U0HELP';
const HR = 'U0HR';
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const ids: Record<string, string> = {};
const text = (body: unknown) => JSON.stringify(body);
type Message = { text?: string; blocks?: unknown[]; ts?: string };

beforeAll(async () => {
  r = await startRosterUnderTest({ firstRetryMs: 300 });
  for (const id of [OWNER, HELPDESK, HR]) r.fake.seedUser({ id, realName: id });
  const owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  const setup = await setupTenant(r.db.ctx, owner, {
    organizationName: 'Contoso',
    initialDomain: 'contoso',
    requester: { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, firstName: 'Olivia', lastName: 'Owner', displayName: 'Olivia Owner' },
  });
  if (!setup.ok) throw new Error(setup.message);
  await buyLicenses(r.db.ctx, owner, { product: BASIC.partNumber, quantity: 5 });
  const base = { domain: 'contoso.onmicrosoft.com', password: { mode: 'auto' as const }, usageLocation: 'NL' };
  const people: [string, { roles?: string[]; alternateEmail?: string; slackUserId?: string; licenses?: { skuId: string; disabledPlans: string[] }[] }][] = [
    ['ana', {}],
    ['bob', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }],
    ['carl', {}],
    ['hana', { roles: ['helpdesk_admin'], alternateEmail: 'hana@example.com', slackUserId: HELPDESK }],
  ];
  for (const [alias, extra] of people) {
    const made = await addUser(r.db.ctx, owner, { ...base, alias, displayName: alias, ...extra });
    if (!made.ok) throw new Error(made.message);
    ids[alias] = made.userId;
  }
  ids.owner = (await r.db.db.selectFrom('DirectoryUser').select('id').where('slackUserId', '=', OWNER).executeTakeFirstOrThrow()).id;
});
afterAll(async () => r.stop());

/** The ticked rows of a list message, as Slack sends them with a button press (10 rows to a checkboxes block). */
const ticked = (blockId: string, userIds: string[]) => ({
  state: { values: { [blockId]: { select: { type: 'checkboxes', selected_options: userIds.map((value) => ({ value })) } } } },
});

/** Presses a bulk button under a list message with these rows ticked; returns the modal it opened. */
async function press(userId: string, message: Message, actionId: string, blockId: string, userIds: string[]) {
  const before = r.fake.calls().length;
  const res = await r.sim.blockAction({ userId, actionId, message: { ...message, ts: '1700000000.000100' }, overrides: ticked(blockId, userIds) });
  expect(res.problems).toEqual([]);
  const call = await r.fake.waitFor('views.open', { after: before });
  expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
  return r.fake.viewRecord((call.response as unknown as { view: { id: string } }).view.id)!.view;
}

/** Waits for the one results DM of a bulk action (its summary line names the action). */
async function resultsDm(userId: string, title: string, after: number) {
  const call = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${userId}` && String(c.args.text).startsWith(`${title}:`), {
    after,
    timeoutMs: 10_000,
  });
  return call.args as Message;
}

const listOf = async (userId: string) => (await r.sim.command('/users', 'list', { userId })).body as Message;

describe('bulk actions from a list in Slack', () => {
  it('resets the ticked users’ passwords after a confirmation naming them; the new passwords come as one-time notices, the one results DM holds none', async () => {
    const list = await listOf(HELPDESK);
    for (const id of ['roster_edit_selected', 'roster_bulk_reset_password', 'roster_bulk_block', 'roster_bulk_unblock', 'roster_bulk_delete'])
      expect(text(list)).toContain(`"action_id":"${id}"`);
    const modal = await press(HELPDESK, list, 'roster_bulk_reset_password', 'user_rows', [ids.ana!, ids.bob!, ids.hana!]);
    const shown = text(modal);
    expect(shown).toMatch(/Reset the passwords of 2 users\?/);
    expect(shown).toMatch(/ana@contoso.onmicrosoft.com.*bob@contoso.onmicrosoft.com/);
    // A Helpdesk admin resets no admin's password (nor their own: hana is an admin): named with the single action's reason.
    expect(shown).toMatch(/Not included \(1\).*hana@contoso.onmicrosoft.com.*Only a Global admin or a User admin can do this to an admin/);
    expect(shown).toContain('"block_id":"requirePasswordChange"');

    const calls = r.fake.calls().length;
    const submitted = await r.sim.viewSubmission(
      modal,
      { requirePasswordChange: { value: checkboxes(['require_change']) }, credentialRecipients: { value: usersSelect([HR]) } },
      { userId: HELPDESK },
    );
    expect(submitted.problems).toEqual([]);
    expect(text(submitted.body)).toMatch(/"response_action":"update".*Reset passwords: 3 users picked. You get one DM from Roster with the results/);
    const results = await resultsDm(HELPDESK, 'Reset passwords', calls);
    expect(text(results)).toMatch(/2 done, 1 not done/);
    expect(text(results)).toMatch(/Passwords reset \(2\).*ana@contoso.onmicrosoft.com.*bob@contoso.onmicrosoft.com/);
    expect(text(results)).toMatch(/Not done \(1\).*hana@contoso.onmicrosoft.com.*Only a Global admin or a User admin/);
    expect(text(results)).toMatch(/went to <@U0HELP>, <@U0HR> as separate notices with \*Show password\*/);

    // Two notices each to the admin and the recipient, posted before the results; each reveals its password once.
    const posted = r.fake
      .calls()
      .slice(calls)
      .filter((c) => c.method === 'chat.postMessage');
    const notices = posted.filter((c) => text(c.args).includes(ACTION.showPassword));
    expect(notices.map((c) => c.args.channel).sort()).toEqual([`D${HELPDESK}`, `D${HELPDESK}`, `D${HR}`, `D${HR}`]);
    expect(posted.at(-1)!.args).toBe(results);
    const anaNotice = r.fake.dmsTo(HR).find((m) => text(m).includes('ana@contoso.onmicrosoft.com') && text(m).includes(ACTION.showPassword))!;
    const pressed = r.fake.calls().length;
    await r.sim.blockAction({ userId: HR, actionId: ACTION.showPassword, message: anaNotice });
    const reveal = await r.fake.waitFor('views.open', { after: pressed });
    const view = (typeof reveal.args.view === 'string' ? JSON.parse(reveal.args.view) : reveal.args.view) as { blocks: { text?: { text: string } }[] };
    const shownText = view.blocks.map((b) => b.text?.text ?? '').find((t) => t.startsWith('*Temporary password*'))!;
    const rawPassword = /`(.+)`$/s.exec(shownText)![1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const ana = await r.db.db.selectFrom('DirectoryUser').select(['passwordHash', 'forceChangePassword']).where('id', '=', ids.ana!).executeTakeFirstOrThrow();
    expect(await verifyPassword(rawPassword, ana.passwordHash)).toBe(true);
    expect(ana.forceChangePassword).toBe(1);
    expect(text(r.fake.dmsTo(HELPDESK)) + text(r.fake.dmsTo(HR))).not.toContain(rawPassword);
    expect(r.logs.join('\n')).not.toContain(rawPassword);
    const audit = await r.db.db.selectFrom('AuditRecord').select(['targetUserId', 'actorSlackUserId']).where('action', '=', 'user.password_reset').execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        { targetUserId: ids.ana, actorSlackUserId: HELPDESK },
        { targetUserId: ids.bob, actorSlackUserId: HELPDESK },
      ]),
    );
  });

  it('blocks the ticked users but the admin themselves, then deletes others (their licenses freed), each confirmed and reported in one DM', async () => {
    const list = await listOf(OWNER);
    const block = await press(OWNER, list, 'roster_bulk_block', 'user_rows_2', [ids.ana!, ids.owner!]);
    expect(text(block)).toMatch(/Block 1 user from signing in\?.*about an hour/);
    expect(text(block)).toMatch(/Not included \(1\).*You can't block your own sign-in/);
    let calls = r.fake.calls().length;
    expect((await r.sim.viewSubmission(block, {}, { userId: OWNER })).problems).toEqual([]);
    const blocked = await resultsDm(OWNER, 'Block sign-in', calls);
    expect(text(blocked)).toMatch(/1 done, 1 not done.*Blocked \(1\).*ana@contoso.onmicrosoft.com.*Not done \(1\).*can't block your own sign-in/);
    const ana = await r.db.db.selectFrom('DirectoryUser').select('accountEnabled').where('id', '=', ids.ana!).executeTakeFirstOrThrow();
    expect(ana.accountEnabled).toBe(0);

    const remove = await press(OWNER, list, 'roster_bulk_delete', 'user_rows', [ids.bob!, ids.carl!]);
    expect(text(remove)).toMatch(/Delete 2 users\?.*Their licenses are freed.*kept 30 days/);
    expect(text(remove)).toMatch(/bob@contoso.onmicrosoft.com`: Licenses freed: Microsoft 365 Business Basic/);
    calls = r.fake.calls().length;
    expect((await r.sim.viewSubmission(remove, {}, { userId: OWNER })).problems).toEqual([]);
    const deleted = await resultsDm(OWNER, 'Delete users', calls);
    expect(text(deleted)).toMatch(/2 done, 0 not done.*Deleted \(2\).*bob@contoso.onmicrosoft.com.*carl@contoso.onmicrosoft.com/);
    // One results DM per action: no other message of Roster's followed it.
    expect(
      r.fake
        .calls()
        .slice(calls)
        .filter((c) => c.method === 'chat.postMessage'),
    ).toHaveLength(1);
    expect(await checkSeatLedger(r.db.ctx)).toEqual([]);
  });

  it('restores the ticked deleted users from /users deleted: each gets a new password as a notice; the results DM holds none', async () => {
    const listed = (await r.sim.command('/users', 'deleted', { userId: OWNER })).body as Message;
    expect(text(listed)).toContain('"action_id":"roster_bulk_restore"');
    expect(text(listed)).toContain('"block_id":"deleted_rows"');
    const modal = await press(OWNER, listed, 'roster_bulk_restore', 'deleted_rows', [ids.bob!, ids.carl!]);
    expect(text(modal)).toMatch(/Restore 2 users\?.*bob@contoso.onmicrosoft.com`: Licenses given back: Microsoft 365 Business Basic/);
    const calls = r.fake.calls().length;
    expect((await r.sim.viewSubmission(modal, {}, { userId: OWNER })).problems).toEqual([]);
    const results = await resultsDm(OWNER, 'Restore users', calls);
    expect(text(results)).toMatch(/2 done, 0 not done.*Restored \(2\)/);
    const notices = r.fake
      .calls()
      .slice(calls)
      .filter((c) => c.method === 'chat.postMessage' && text(c.args).includes(ACTION.showPassword));
    expect(notices.map((c) => c.args.channel)).toEqual([`D${OWNER}`, `D${OWNER}`]);
    const restored = await r.db.db.selectFrom('DirectoryUser').select('deletedAt').where('id', 'in', [ids.bob!, ids.carl!]).execute();
    expect(restored).toEqual([{ deletedAt: null }, { deletedAt: null }]);
    expect(await checkSeatLedger(r.db.ctx)).toEqual([]);
  });

  it('a notice that fails to post is posted when the job runs again, with no password reset twice and one results DM', async () => {
    const modal = await press(OWNER, await listOf(OWNER), 'roster_bulk_reset_password', 'user_rows', [ids.ana!, ids.carl!]);
    const calls = r.fake.calls().length;
    const audits = async () => (await r.db.db.selectFrom('AuditRecord').select('id').where('action', '=', 'user.password_reset').execute()).length;
    const before = await audits();
    r.fake.failNext('chat.postMessage', 'internal_error');
    expect((await r.sim.viewSubmission(modal, {}, { userId: OWNER })).problems).toEqual([]);
    // The first notice fails; the job's retry (5 s later in Roster, 300 ms here) posts what is left, then the results.
    const results = await resultsDm(OWNER, 'Reset passwords', calls);
    expect(text(results)).toMatch(/2 done, 0 not done/);
    const posted = r.fake
      .calls()
      .slice(calls)
      .filter((c) => c.method === 'chat.postMessage');
    expect(posted[0]!.response.ok).toBe(false);
    const notices = posted.filter((c) => c.response.ok && text(c.args).includes(ACTION.showPassword));
    expect(notices.map((c) => /(ana|carl)@contoso/.exec(text(c.args))?.[1]).sort()).toEqual(['ana', 'carl']);
    expect(posted.filter((c) => String(c.args.text).startsWith('Reset passwords:'))).toHaveLength(1);
    expect(await audits()).toBe(before + 2);
  }, 30_000);

  it('says to tick users first when none are ticked, and refuses a member without the role before anything runs', async () => {
    const list = await listOf(OWNER);
    const none = await press(OWNER, list, 'roster_bulk_delete', 'user_rows', []);
    expect(text(none)).toMatch(/Tick the users first/);
    const helpdesk = await press(HELPDESK, await listOf(HELPDESK), 'roster_bulk_delete', 'user_rows', [ids.ana!]);
    expect(text(helpdesk)).toMatch(/To delete and restore users you need one of these roles/);
    expect(text(helpdesk)).not.toContain('"submit"');
  });
});
