import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/views/ids.js';
import { addUser } from '../../src/core/users/add-user.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import { checkboxes, multiStaticSelect, plainText, radio, usersSelect } from '../support/slack-requests.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';

let r: RosterUnderTest;
const OWNER = 'U0OWNER';
const HELPDESK = 'U0HELP';
const HR = 'U0HR';
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const ids: Record<string, string> = {};
const text = (body: unknown) => JSON.stringify(body);

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
  await buyLicenses(r.db.ctx, owner, { product: BASIC.partNumber, quantity: 3 });
  const base = { domain: 'contoso.onmicrosoft.com', password: { mode: 'auto' as const }, usageLocation: 'NL' };
  const people: [string, { roles?: string[]; alternateEmail?: string; slackUserId?: string }][] = [
    ['ana', {}],
    ['bob', {}],
    ['carl', {}],
    ['hana', { roles: ['helpdesk_admin'], alternateEmail: 'hana@example.com', slackUserId: HELPDESK }],
  ];
  for (const [alias, extra] of people) {
    const made = await addUser(r.db.ctx, owner, { ...base, alias, displayName: alias, ...extra });
    if (!made.ok) throw new Error(made.message);
    ids[alias] = made.userId;
  }
});
afterAll(async () => r.stop());

async function openedBy(send: () => Promise<unknown>) {
  const before = r.fake.calls().length;
  await send();
  const call = await r.fake.waitFor('views.open', { after: before });
  expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
  const id = (call.response as unknown as { view: { id: string } }).view.id;
  return { id, view: r.fake.viewRecord(id)!.view };
}

describe('editing, blocking and resetting users in Slack', () => {
  it('opens the Edit user form from the Edit button of /users show, saves only what changed, and puts problems on their fields', async () => {
    const shown = await r.sim.command('/users', 'show ana', { userId: OWNER });
    expect(text(shown.body)).toContain(`"action_id":"roster_edit_user"`);
    expect(text(shown.body)).toContain(`"value":"${ids.ana}"`);
    const modal = await openedBy(() => r.sim.blockAction({ userId: OWNER, actionId: 'roster_edit_user', value: ids.ana }));
    expect(text(modal.view)).toMatch(/"callback_id":"roster_edit_user_form"/);
    const taken = await r.sim.viewSubmission(modal.view, { alias: { value: plainText('bob') } }, { userId: OWNER });
    expect(taken.body).toMatchObject({ response_action: 'errors', errors: { alias: expect.stringMatching(/already taken by bob/) } });
    const saved = await r.sim.viewSubmission(
      modal.view,
      { jobTitle: { value: plainText('Lead <engineer>') }, licenses: { value: multiStaticSelect([BASIC.skuId]) } },
      { userId: OWNER },
    );
    expect(saved.problems).toEqual([]);
    expect(text(saved.body)).toMatch(/Saved ana@contoso.onmicrosoft.com: jobTitle, licenses/);
    const row = await r.db.db.selectFrom('DirectoryUser').select(['jobTitle']).where('id', '=', ids.ana!).executeTakeFirstOrThrow();
    expect(row.jobTitle).toBe('Lead <engineer>');
    expect(await checkSeatLedger(r.db.ctx)).toEqual([]);
  });

  it('sets a manager with the Edit user form’s picker (Roster’s users as typed), shows it, refuses a loop on the field, and removes it', async () => {
    const chosen = (value: string) => ({ value: { type: 'external_select', selected_option: { text: { type: 'plain_text', text: value }, value } } as never });
    const modal = await openedBy(() => r.sim.command('/users', 'edit bob', { userId: OWNER }));
    expect(text(modal.view)).toMatch(/"block_id":"manager"/);
    const offered = await r.sim.blockSuggestion({ userId: OWNER, view: modal.view, blockId: 'manager', actionId: 'value', value: 'car' });
    expect(text(offered.body)).toContain('No manager');
    expect(text(offered.body)).toContain(`"value":"${ids.carl}"`);
    const saved = await r.sim.viewSubmission(modal.view, { manager: chosen(ids.carl!) }, { userId: OWNER });
    expect(saved.problems).toEqual([]);
    expect(text(saved.body)).toMatch(/Saved bob@contoso.onmicrosoft.com: manager/);
    const shown = await r.sim.command('/users', 'show bob', { userId: OWNER });
    expect(text(shown.body)).toMatch(/Manager.*carl@contoso.onmicrosoft.com/);
    // Carl reporting to Bob would make a loop: refused on the Manager field.
    const carl = await openedBy(() => r.sim.command('/users', 'edit carl', { userId: OWNER }));
    const loop = await r.sim.viewSubmission(carl.view, { manager: chosen(ids.bob!) }, { userId: OWNER });
    expect(loop.body).toMatchObject({ response_action: 'errors', errors: { manager: expect.stringMatching(/managers may not go round in a loop/) } });
    // The form opens with the manager chosen; "No manager" removes it.
    const again = await openedBy(() => r.sim.command('/users', 'edit bob', { userId: OWNER }));
    expect(text(again.view)).toMatch(/"initial_option":\{"text":\{"type":"plain_text","text":"carl \(carl@contoso.onmicrosoft.com\)"/);
    const removed = await r.sim.viewSubmission(again.view, { manager: chosen('-') }, { userId: OWNER });
    expect(text(removed.body)).toMatch(/Saved bob@contoso.onmicrosoft.com: manager/);
    const row = await r.db.db.selectFrom('DirectoryUser').select('managerId').where('id', '=', ids.bob!).executeTakeFirstOrThrow();
    expect(row.managerId).toBeNull();
  });

  it('/users edit <username> opens the same form; a Helpdesk admin sees why they cannot', async () => {
    const modal = await openedBy(() => r.sim.command('/users', 'edit bob', { userId: OWNER }));
    expect(text(modal.view)).toContain('bob@contoso.onmicrosoft.com');
    const refused = await openedBy(() => r.sim.command('/users', 'edit bob', { userId: HELPDESK }));
    expect(text(refused.view)).toMatch(/To edit users you need one of these roles: Global admin, User admin/);
  });

  it('blocks sign-in after a confirmation that says it can take an hour, and refuses a Helpdesk admin blocking an admin', async () => {
    const confirm = await openedBy(() => r.sim.command('/users', 'block bob', { userId: OWNER }));
    expect(text(confirm.view)).toMatch(/about an hour/);
    const done = await r.sim.viewSubmission(confirm.view, {}, { userId: OWNER });
    expect(text(done.body)).toMatch(/bob@contoso.onmicrosoft.com is blocked from signing in/);
    const row = await r.db.db.selectFrom('DirectoryUser').select('accountEnabled').where('id', '=', ids.bob!).executeTakeFirstOrThrow();
    expect(row.accountEnabled).toBe(0);
    const owner = await r.db.db.selectFrom('DirectoryUser').select('userPrincipalName').where('slackUserId', '=', OWNER).executeTakeFirstOrThrow();
    const self = await openedBy(() => r.sim.command('/users', `block ${owner.userPrincipalName}`, { userId: OWNER }));
    expect(text(self.view)).toMatch(/can.t block your own sign-in/);
    const admin = await openedBy(() => r.sim.command('/users', 'block hana', { userId: HELPDESK }));
    expect(text(admin.view)).toMatch(/Only a Global admin or a User admin can do this to an admin/);
    const unblock = await openedBy(() => r.sim.command('/users', 'unblock bob', { userId: HELPDESK }));
    expect(text((await r.sim.viewSubmission(unblock.view, {}, { userId: HELPDESK })).body)).toMatch(/can sign in again/);
  });

  it('resets a password: checked before the ack, DMed after, never logged or audited', async () => {
    const modal = await openedBy(() => r.sim.command('/users', 'reset-password carl', { userId: HELPDESK }));
    const weak = await r.sim.viewSubmission(
      modal.view,
      { passwordMode: { value: radio('custom') }, password: { value: plainText('weakpass') } },
      { userId: HELPDESK },
    );
    expect(weak.body).toMatchObject({ response_action: 'errors', errors: { password: expect.stringMatching(/too weak/) } });
    const chosen = 'Tr0ub4dor&3-<x>';
    const before = r.fake.calls().length;
    const good = await r.sim.viewSubmission(
      modal.view,
      {
        passwordMode: { value: radio('custom') },
        password: { value: plainText(chosen) },
        requirePasswordChange: { value: checkboxes([]) },
        credentialRecipients: { value: usersSelect([HR]) },
      },
      { userId: HELPDESK },
    );
    expect(good.problems).toEqual([]);
    expect(text(good.body)).not.toContain('Tr0ub4dor');
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === `D${HR}`, { after: before });
    const notice = r.fake.dmsTo(HELPDESK).at(-1)!;
    // The DM holds a Show password button, never the password; pressing it shows it once, escaped.
    expect(text(notice)).not.toContain('Tr0ub4dor');
    // It says what happened: a new password for an account that exists, not a new account.
    expect(String(notice.text)).toMatch(/^New password for /);
    expect(text(notice.blocks)).toContain(`<@${HELPDESK}> reset the password of *`);
    expect(text(notice.blocks)).not.toContain('New account');
    const pressed = r.fake.calls().length;
    await r.sim.blockAction({ userId: HELPDESK, actionId: ACTION.showPassword, message: notice });
    const reveal = await r.fake.waitFor('views.open', { after: pressed });
    expect(text(reveal.args.view)).toContain('Tr0ub4dor&amp;3-&lt;x&gt;');
    expect(r.logs.join('\n')).not.toContain('Tr0ub4dor');
    expect(r.logs.some((line) => line.includes('password reset'))).toBe(true);
    const dump = text(await r.db.db.selectFrom('AuditRecord').selectAll().execute()) + text(await r.db.db.selectFrom('DirectoryUser').selectAll().execute());
    expect(dump).not.toContain('Tr0ub4dor');
  });

  it('edits many users after the ack and DMs the counts with a CSV of every outcome', async () => {
    const modal = await openedBy(() => r.sim.command('/users', 'edit-many', { userId: OWNER }));
    const suggestions = await r.sim.blockSuggestion({ userId: OWNER, view: modal.view, blockId: 'users', actionId: 'value', value: 'car' });
    expect(text(suggestions.body)).toContain(ids.carl);
    const before = r.fake.calls().length;
    const submitted = await r.sim.viewSubmission(
      modal.view,
      {
        usernames: { value: plainText('bob@contoso.onmicrosoft.com, ghost@contoso.onmicrosoft.com\nhana@contoso.onmicrosoft.com') },
        users: { value: { type: 'multi_external_select', selected_options: [{ text: { type: 'plain_text', text: 'carl' }, value: ids.carl! }] } as never },
        department: { value: plainText('Sales') },
        licenseMode: { value: radio('add') },
        licenses: { value: multiStaticSelect([BASIC.skuId]) },
      },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal', { after: before });
    expect(text(r.fake.dmsTo(OWNER))).toMatch(/2 changed, 0 already as asked, 2 not changed/);
    const csv = r.fake
      .uploadedFiles()
      .find((f) => f.name === 'edit-users-results.csv')!
      .bytes.toString('utf8');
    expect(csv).toContain('ghost@contoso.onmicrosoft.com,No user with this username.');
    expect(csv).toMatch(/hana@contoso.onmicrosoft.com,"No Microsoft 365 Business Basic licenses are left/);
    expect(await checkSeatLedger(r.db.ctx)).toEqual([]);
  });

  it('Edit many sets one manager for the users named, with the same picker', async () => {
    const modal = await openedBy(() => r.sim.command('/users', 'edit-many', { userId: OWNER }));
    expect(text(modal.view)).toMatch(/"block_id":"manager"/);
    const offered = await r.sim.blockSuggestion({ userId: OWNER, view: modal.view, blockId: 'manager', actionId: 'value', value: 'hana' });
    expect(text(offered.body)).toContain(`"value":"${ids.hana}"`);
    const before = r.fake.calls().length;
    const submitted = await r.sim.viewSubmission(
      modal.view,
      {
        usernames: { value: plainText('ana@contoso.onmicrosoft.com, carl@contoso.onmicrosoft.com') },
        manager: { value: { type: 'external_select', selected_option: { text: { type: 'plain_text', text: 'hana' }, value: ids.hana! } } as never },
      },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal', { after: before });
    const rows = await r.db.db.selectFrom('DirectoryUser').select(['id', 'managerId']).where('id', 'in', [ids.ana!, ids.carl!]).execute();
    expect(rows.map((row) => row.managerId)).toEqual([ids.hana, ids.hana]);
  });

  it('an Edit many whose results file fails to upload is retried without posting its DM again', async () => {
    const modal = await openedBy(() => r.sim.command('/users', 'edit-many', { userId: OWNER }));
    const before = r.fake.calls().length;
    r.fake.failNext('files.completeUploadExternal', 'internal_error');
    const submitted = await r.sim.viewSubmission(
      modal.view,
      { usernames: { value: plainText('bob@contoso.onmicrosoft.com') }, department: { value: plainText('Finance') } },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    // The job's first run fails on the upload; its retry (5 s later in Roster, 300 ms here) uploads the file to the DM posted before.
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal' && c.response.ok === true, { after: before, timeoutMs: 20_000 });
    const reports = r.fake
      .calls()
      .slice(before)
      .filter((c) => c.method === 'chat.postMessage' && /changed/.test(String(c.args.text)));
    expect(reports).toHaveLength(1);
    expect(
      r.fake
        .calls()
        .slice(before)
        .filter((c) => c.method === 'files.completeUploadExternal')
        .map((c) => c.response.ok),
    ).toEqual([false, true]);
  }, 40_000);

  it('"Edit selected" under a list opens Edit many with the ticked users', async () => {
    const modal = await openedBy(() =>
      r.sim.blockAction({
        userId: OWNER,
        actionId: 'roster_edit_selected',
        value: 'x',
        overrides: { state: { values: { user_rows_1: { select: { type: 'checkboxes', selected_options: [{ value: ids.ana }, { value: ids.bob }] } } } } },
      }),
    );
    expect(text(modal.view)).toMatch(/2 users selected in the list/);
  });
});
