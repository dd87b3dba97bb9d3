import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { ACTION } from '../../src/slack/views/ids.js';
import { insertDomain } from '../../src/store/organizations.js';
import { generateDirectory, type GeneratedUser } from '../support/generate-directory.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { checkboxes, externalSelect, plainText } from '../support/slack-requests.js';
import { seedTenant } from '../support/test-db.js';

let r: RosterUnderTest;
let users: GeneratedUser[];
const OWNER = 'U0OWNER';
const CHANNEL = 'C0GENERAL1';

type Block = { type: string; block_id?: string; accessory?: { options?: { value: string }[] }; elements?: { options?: unknown[] }[]; text?: { text: string } };
const blocksOf = (body: unknown) => (body as { blocks: Block[] }).blocks;
const rowsOf = (blocks: Block[]) => blocks.filter((b) => b.type === 'section' && b.accessory?.options);
const active = () =>
  users.filter((u) => !u.deleted).sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.id < b.id ? -1 : 1));

beforeAll(async () => {
  r = await startRosterUnderTest();
  r.fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  const { tenantId } = await seedTenant(r.db.ctx, { teamId: r.fake.teamId, slackUserId: OWNER });
  await insertDomain(r.db.db, tenantId, 'contoso.ca', new Date());
  users = await generateDirectory(r.db.db, tenantId, 80, { seed: 5 });
}, 60_000);
afterAll(async () => r.stop());

/** The message a response_url post made, after call index `after`. */
async function responded(after: number) {
  const call = await r.fake.waitFor('$response_url', { after });
  return call.args as { text: string; blocks: Block[]; replace_original?: boolean };
}

describe('/users list, find, views and export, end to end', () => {
  it('lists All users by display name, 20 a page, each row with its menu and a checkbox, and pages forward and back in place', async () => {
    const res = await r.sim.command('/users', 'list', { userId: OWNER, channelId: CHANNEL });
    expect(res.problems).toEqual([]);
    const blocks = blocksOf(res.body);
    const rows = rowsOf(blocks);
    expect(rows).toHaveLength(20);
    // The owner made by setup is listed too: compare the generated users' order among the rows.
    const shown = rows.map((b) => b.accessory!.options![0]!.value.slice('edit:'.length));
    const want = active().map((u) => u.id);
    expect(shown.filter((id) => want.includes(id))).toEqual(want.filter((id) => shown.includes(id)));
    const menu = rows[0]!.accessory!.options!.map((o) => o.value.split(':')[0]);
    expect(menu).toEqual(['edit', 'licenses', expect.stringMatching(/^(block|unblock)$/), 'reset', 'delete']);
    expect(
      blocks.filter((b) => b.block_id?.startsWith('user_rows') && b.elements?.[0]?.options).map((b) => [b.block_id, b.elements![0]!.options!.length]),
    ).toEqual([
      ['user_rows', 10],
      ['user_rows_2', 10],
    ]);
    const message = { ...(res.body as object), ts: '1700000000.000100', channel: CHANNEL };
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: `${ACTION.listPage}_next`, message, channelId: CHANNEL });
    const next = await responded(before);
    expect(next.replace_original).toBe(true);
    const nextIds = rowsOf(next.blocks).map((b) => b.accessory!.options![0]!.value.slice(5));
    expect(nextIds.some((id) => shown.includes(id))).toBe(false);
    const all = [...shown, ...nextIds];
    expect(all.filter((id) => want.includes(id))).toEqual(want.slice(0, all.filter((id) => want.includes(id)).length));
    const back = r.fake.calls().length;
    await r.sim.blockAction({
      userId: OWNER,
      actionId: `${ACTION.listPage}_prev`,
      message: { ...next, ts: '1700000000.000200', channel: CHANNEL },
      channelId: CHANNEL,
      value: undefined,
    });
    const previous = await responded(back);
    expect(rowsOf(previous.blocks).map((b) => b.accessory!.options![0]!.value.slice(5))).toEqual(shown);
    // Acked once: a second ack (a case falling through to another in the command's switch) is logged.
    expect(r.logs.join('\n')).not.toMatch(/unhandled listener error|MultipleAck/);
  });

  it('opens the form a row’s menu names, for that row’s user', async () => {
    const res = await r.sim.command('/users', 'list', { userId: OWNER, channelId: CHANNEL });
    const message = { ...(res.body as object), ts: '1700000000.000300', channel: CHANNEL };
    const row = rowsOf(blocksOf(res.body))[1]!;
    const userId = row.accessory!.options![0]!.value.slice('edit:'.length);
    const user = (await r.db.db.selectFrom('DirectoryUser').select('userPrincipalName').where('id', '=', userId).executeTakeFirstOrThrow()).userPrincipalName;
    for (const verb of ['edit', 'licenses', 'reset', 'delete']) {
      const before = r.fake.calls().length;
      await r.sim.blockAction({
        userId: OWNER,
        actionId: ACTION.userRowAction,
        blockId: row.block_id,
        selectedOption: `${verb}:${userId}`,
        message,
        channelId: CHANNEL,
      });
      const opened = await r.fake.waitFor('views.open', { after: before });
      expect(opened.response.ok, `${verb}: ${JSON.stringify(opened.response)}`).toBe(true);
      expect(JSON.stringify(opened.args.view), verb).toContain(user);
    }
  });

  it('switches to a standard view from the menu, with the fix text of users with errors', async () => {
    const res = await r.sim.command('/users', 'list users with errors', { userId: OWNER, channelId: CHANNEL });
    const withErrors = users.filter((u) => !u.deleted && u.licenseError);
    expect(rowsOf(blocksOf(res.body))).toHaveLength(withErrors.length);
    if (withErrors.length > 0) expect(JSON.stringify(res.body)).toContain('buy more, then assign it');
    const before = r.fake.calls().length;
    await r.sim.blockAction({
      userId: OWNER,
      actionId: ACTION.listView,
      selectedOption: 'std:sign_in_blocked',
      message: { ...(res.body as object), ts: '1700000000.000300', channel: CHANNEL },
      channelId: CHANNEL,
    });
    const blocked = await responded(before);
    expect(JSON.stringify(blocked.blocks)).toContain('Sign-in blocked');
    expect(rowsOf(blocked.blocks).length).toBe(Math.min(20, users.filter((u) => !u.deleted && !u.accountEnabled).length));
    for (const row of rowsOf(blocked.blocks)) expect(row.text!.text).toContain('Sign-in blocked');
  });

  it('finds users by the start of a word, and says so when nobody matches', async () => {
    const target = active()[3]!;
    const word = target.displayName.split(' ')[1]!.slice(0, 4);
    const res = await r.sim.command('/users', `find ${word}`, { userId: OWNER, channelId: CHANNEL });
    expect(res.problems).toEqual([]);
    expect(JSON.stringify(res.body)).toContain(target.id);
    const none = await r.sim.command('/users', 'find zzzq', { userId: OWNER, channelId: CHANNEL });
    expect(JSON.stringify(none.body)).toMatch(/No user.*zzzq/);
  });

  it('makes a custom view in the form, refusing a duplicate name and a view with no condition, then lists it', async () => {
    const res = await r.sim.command('/users', 'views', { userId: OWNER, channelId: CHANNEL });
    expect(JSON.stringify(res.body)).toContain('No custom views yet');
    const openForm = async () => {
      const before = r.fake.calls().length;
      await r.sim.blockAction({
        userId: OWNER,
        actionId: ACTION.newView,
        message: { ...(res.body as object), ts: '1700000000.000400', channel: CHANNEL },
        channelId: CHANNEL,
      });
      const opened = await r.fake.waitFor('views.open', { after: before });
      expect(opened.response.ok, JSON.stringify(opened.response)).toBe(true);
      return r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    };
    const view = await openForm();
    const empty = await r.sim.viewSubmission(view, { name: { value: plainText('Nothing') } }, { userId: OWNER });
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { conditions: expect.stringMatching(/at least one condition/) } });
    const made = await r.sim.viewSubmission(
      view,
      { name: { value: plainText('Canadian users') }, conditions: { value: checkboxes(['unlicensed']) } },
      { userId: OWNER },
    );
    expect(made.problems).toEqual([]);
    expect(JSON.stringify(made.body)).toContain('Made the view');
    const again = await r.sim.viewSubmission(
      await openForm(),
      { name: { value: plainText('canadian USERS') }, city: { value: externalSelect('Toronto') } },
      { userId: OWNER },
    );
    expect(again.body).toMatchObject({ response_action: 'errors', errors: { name: expect.stringMatching(/already a view named/) } });
    const list = await r.sim.command('/users', 'list canadian users', { userId: OWNER, channelId: CHANNEL });
    expect(rowsOf(blocksOf(list.body)).length).toBe(Math.min(20, users.filter((u) => !u.deleted && u.skuIds.length === 0).length));
  });

  it('the form offers the values the users have for department, city, state, country and job title, as typed, whatever the case', async () => {
    const department = users.find((u) => !u.deleted && u.department)!.department!;
    const res = await r.sim.command('/users', 'views', { userId: OWNER, channelId: CHANNEL });
    const before = r.fake.calls().length;
    await r.sim.blockAction({
      userId: OWNER,
      actionId: ACTION.newView,
      message: { ...(res.body as object), ts: '1700000000.000420', channel: CHANNEL },
      channelId: CHANNEL,
    });
    const opened = await r.fake.waitFor('views.open', { after: before });
    const form = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view;
    const typed = department.slice(0, 2).toLowerCase();
    const offered = await r.sim.blockSuggestion({ userId: OWNER, view: form, blockId: 'department', actionId: 'value', value: typed });
    expect(offered.problems).toEqual([]);
    const values = (offered.body as { options: { value: string }[] }).options.map((o) => o.value);
    expect(values).toContain(department);
    expect(values.every((v) => v.toLowerCase().startsWith(typed))).toBe(true);
    const inUse = new Set(users.filter((u) => !u.deleted && u.department?.toLowerCase().startsWith(typed)).map((u) => u.department));
    expect(new Set(values)).toEqual(inUse);
  });

  it('deleting a custom view asks first: the menu opens a confirmation, nothing is deleted until it is submitted, then the list updates in place', async () => {
    const views = await r.sim.command('/users', 'views', { userId: OWNER, channelId: CHANNEL });
    const message = { ...(views.body as object), ts: '1700000000.000450', channel: CHANNEL };
    const menu = blocksOf(views.body).find((b) => b.text?.text.includes('Canadian users'))!;
    const value = menu.accessory!.options!.find((o) => o.value.startsWith('delete:'))!.value;
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.editView, message, channelId: CHANNEL, selectedOption: value });
    const opened = await r.fake.waitFor('views.open', { after: before });
    expect(opened.response.ok, JSON.stringify(opened.response)).toBe(true);
    const confirm = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view as {
      title: { text: string };
      submit?: { text: string };
      blocks: Block[];
    };
    expect(confirm.title.text).toBe('Delete view');
    expect(confirm.submit?.text).toBe('Delete');
    expect(JSON.stringify(confirm.blocks)).toContain('Canadian users');
    const still = await r.sim.command('/users', 'views', { userId: OWNER, channelId: CHANNEL });
    expect(JSON.stringify(still.body)).toContain('Canadian users');
    const submitted = r.fake.calls().length;
    const done = await r.sim.viewSubmission(confirm, {}, { userId: OWNER });
    expect(done.problems).toEqual([]);
    const updated = await responded(submitted);
    expect(updated.replace_original).toBe(true);
    expect(updated.text).toBe('Deleted the view "Canadian users".');
    const after = await r.sim.command('/users', 'views', { userId: OWNER, channelId: CHANNEL });
    expect(JSON.stringify(after.body)).toContain('No custom views yet');
  });

  it('exports a view as a CSV in a DM: BOM, the admin center columns, one row per user, formula-safe', async () => {
    const licensed = users.find((u) => !u.deleted && u.skuIds.length > 0)!;
    await r.db.db.updateTable('DirectoryUser').set({ department: '=HYPERLINK("http://evil")' }).where('id', '=', licensed.id).execute();
    const before = r.fake.calls().length;
    const res = await r.sim.command('/users', 'export licensed users', { userId: OWNER, channelId: CHANNEL });
    expect(JSON.stringify(res.body)).toContain('CSV comes as a DM');
    await r.fake.waitFor((c) => c.method === 'files.completeUploadExternal', { after: before });
    const file = r.fake.uploadedFiles().at(-1)!;
    expect(file.name).toMatch(/^licensed-users-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parse(file.bytes.toString('utf8').slice(1), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!).slice(0, 6)).toEqual(['Display name', 'User principal name', 'First name', 'Last name', 'Licenses', 'Block credential']);
    expect(rows.find((row) => row['User principal name'] === licensed.userPrincipalName)!.Department).toBe(`'=HYPERLINK("http://evil")`);
    expect(rows.map((row) => row['User principal name']).sort()).toEqual(
      users
        .filter((u) => !u.deleted && u.skuIds.length > 0)
        .map((u) => u.userPrincipalName)
        .sort(),
    );
  });
});
