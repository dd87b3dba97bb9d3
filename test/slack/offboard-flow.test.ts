import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { editUser } from '../../src/core/users/edit-user.js';
import type { MemberActor } from '../../src/core/context.js';
import { SCHEDULE } from '../../src/slack/views/schedule-ids.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { validateMessageBlocks, validateView } from '../support/block-kit-validator.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { datePicker, plainText } from '../support/slack-view-state.js';
import { countRows, seedTenant } from '../support/test-db.js';

/* Scheduled offboarding in Slack (issue 17 item 3), end to end: the form, the list, Change, Cancel, the day itself and its summary DM. */
let r: RosterUnderTest;
// Roster's clock runs from 2027-03-01 08:00 UTC (so its own short waits pass); moving it is moving `offset`.
let offset = new Date('2027-03-01T08:00:00Z').getTime() - Date.now();
const now = () => new Date(Date.now() + offset);
const OWNER = 'U0OWNER';
const HELPDESK = 'U0HELPDESK';
/** Ana's manager, linked to a Slack member. */
const MANAGER = 'U0MAXMANAGER';
const CHANNEL = 'C0GENERAL1';
let owner: MemberActor;
type Block = { type: string; block_id?: string; text?: { text: string }; elements?: { action_id?: string; value?: string; confirm?: unknown }[] };
type Message = { text: string; blocks: Block[] };
const text = (value: unknown) => JSON.stringify(value);
let ts = 100;
const asMessage = (message: Message) => ({ ...message, ts: `1700000000.000${ts++}`, channel: CHANNEL });

beforeAll(async () => {
  r = await startRosterUnderTest({ now });
  for (const [id, name] of [
    [OWNER, 'Olivia Owner'],
    [HELPDESK, 'Hal Helpdesk'],
    [MANAGER, 'Max Manager'],
  ] as const)
    r.fake.seedUser({ id, realName: name, isOwner: id === OWNER });
  owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  await seedTenant(r.db.ctx, owner);
  await makeUser(r.db.ctx, 'hal', { roles: ['helpdesk_admin'], slackUserId: HELPDESK }, owner);
  await buyLicenses(r.db.ctx, owner, { product: BASIC.partNumber, quantity: 5 });
  for (const alias of ['ana', 'bo']) await makeUser(r.db.ctx, alias, { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }, owner);
  const max = await makeUser(r.db.ctx, 'max', { slackUserId: MANAGER }, owner);
  const ana = await r.db.db.selectFrom('DirectoryUser').select('id').where('aliasKey', '=', 'ana').executeTakeFirstOrThrow();
  const managed = await editUser(r.db.ctx, owner, { userId: ana.id }, { manager: { userId: max.id } });
  if (!managed.ok) throw new Error(managed.message);
  await r.quiet();
});
afterAll(async () => r.stop());

async function openForm(args: string, userId = OWNER) {
  const before = r.fake.calls().length;
  const answered = await r.sim.command('/users', args, { userId, channelId: CHANNEL });
  expect(answered.problems).toEqual([]);
  const opened = await r.fake.waitFor('views.open', { after: before });
  return r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view as { blocks: unknown[]; id: string };
}

describe('/users offboard and /users scheduled', () => {
  it('schedules from the form, lists it with Change and Cancel, changes it, and on the day offboards and DMs the summary', async () => {
    const form = await openForm('offboard ana');
    expect(validateView(form, 'modal')).toEqual([]);
    expect(text(form)).toContain('On the last day at 09:00 (UTC)');
    const bad = await r.sim.viewSubmission(
      form,
      { lastDay: { value: datePicker('2027-02-01') }, deleteAfterDays: { value: plainText('400') } },
      { userId: OWNER },
    );
    expect(bad.body).toMatchObject({
      response_action: 'errors',
      errors: { lastDay: expect.stringContaining('cannot be in the past'), deleteAfterDays: expect.stringContaining('1 to 365') },
    });
    const saving = r.fake.calls().length;
    const saved = await r.sim.viewSubmission(
      form,
      { lastDay: { value: datePicker('2027-03-04') }, deleteAfterDays: { value: plainText('') } },
      { userId: OWNER },
    );
    expect(saved.body).toMatchObject({ response_action: 'clear' });
    const dm = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && text(c.args).includes('Scheduled: ana@'), { after: saving });
    expect(text(dm.args)).toMatch(/offboarded on 2027-03-04 at <!date\^\d+\^/);
    // Ana's manager hears of it too, by DM.
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && text(c.args).includes('IT scheduled the offboarding of your report'), { after: saving });
    expect(text(r.fake.dmsTo(MANAGER))).toContain('their last day is 2027-03-04');

    const listed = (await r.sim.command('/users', 'scheduled', { userId: OWNER, channelId: CHANNEL })).body as Message;
    expect(validateMessageBlocks(listed.blocks)).toEqual([]);
    expect(text(listed)).toContain('*Offboard* `ana@contoso.onmicrosoft.com`: last day 2027-03-04');
    const cancel = listed.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === SCHEDULE.cancel);
    expect(cancel?.confirm).toMatchObject({ title: { text: 'Cancel the offboarding' } });
    // A Helpdesk admin sees it, without the buttons.
    const seen = (await r.sim.command('/users', 'scheduled', { userId: HELPDESK, channelId: CHANNEL })).body as Message;
    expect(text(seen)).toContain('ana@contoso.onmicrosoft.com');
    expect(seen.blocks.some((b) => b.type === 'actions')).toBe(false);

    // Change: the same form, filled in; saved, it replaces the first.
    const opening = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: SCHEDULE.change, message: asMessage(listed), channelId: CHANNEL });
    const opened = await r.fake.waitFor('views.open', { after: opening });
    const changeForm = r.fake.viewRecord((opened.response as unknown as { view: { id: string } }).view.id)!.view as { blocks: unknown[]; id: string };
    expect(text(changeForm)).toContain('"initial_date":"2027-03-04"');
    const changing = r.fake.calls().length;
    await r.sim.viewSubmission(changeForm, { lastDay: { value: datePicker('2027-03-05') }, deleteAfterDays: { value: plainText('') } }, { userId: OWNER });
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && text(c.args).includes('offboarded on 2027-03-05'), { after: changing });
    expect(await countRows(r.db.db, 'Job', (q) => q.where('kind', '=', 'users.offboard').where('status', '=', 'queued'))).toBe(1);

    // The day comes (09:00 UTC on 2027-03-05): the offboarding runs and its summary comes by DM.
    offset = new Date('2027-03-05T09:00:01Z').getTime() - Date.now();
    r.db.runtime.jobs.nudgeAt(now());
    const summary = await r.fake.waitFor((c) => c.method === 'chat.postMessage' && text(c.args).includes('Offboarded ana@'));
    expect(text(summary.args)).toContain(`licenses removed: ${BASIC.displayName}`);
    expect(text(summary.args)).toContain('password reset to one nobody was given');
    // …and the manager's: what happened to their report, no password.
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && text(c.args).includes('Your report ana Test'));
    const toManager = text(r.fake.dmsTo(MANAGER));
    expect(toManager).toContain('IT changed the offboarding of your report');
    expect(toManager).toContain('was offboarded on their last day, 2027-03-05');
    expect(toManager).toContain(`licenses removed: ${BASIC.displayName}`);
    const ana = await r.db.db.selectFrom('DirectoryUser').select(['id', 'accountEnabled']).where('aliasKey', '=', 'ana').executeTakeFirstOrThrow();
    expect(Boolean(ana.accountEnabled)).toBe(false);
    expect(await countRows(r.db.db, 'LicenseAssignment', (q) => q.where('userId', '=', ana.id))).toBe(0);
    await r.quiet();
    expect(r.fake.calls('chat.postMessage').filter((c) => text(c.args).includes('Offboarded ana@'))).toHaveLength(1);
  });

  it('cancels from the list after the confirmation, and refuses the form to who may not offboard', async () => {
    const form = await openForm('offboard bo');
    const saving = r.fake.calls().length;
    await r.sim.viewSubmission(form, { lastDay: { value: datePicker('2027-04-01') }, deleteAfterDays: { value: plainText('30') } }, { userId: OWNER });
    await r.fake.waitFor((c) => c.method === 'chat.postMessage' && text(c.args).includes('Scheduled: bo@'), { after: saving });
    const listed = (await r.sim.command('/users', 'scheduled', { userId: OWNER, channelId: CHANNEL })).body as Message;
    expect(text(listed)).toContain('last day 2027-04-01, deleted 30 days later');
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: SCHEDULE.cancel, message: asMessage(listed), channelId: CHANNEL });
    const after = (await r.fake.waitFor('$response_url', { after: before })).args as Message;
    expect(text(after)).toContain('Cancelled: bo@contoso.onmicrosoft.com will not be offboarded on that day.');
    expect(text(after)).toContain('Nothing is scheduled.');
    const refused = await openForm('offboard bo', HELPDESK);
    expect(text(refused)).toContain('To assign licenses you need one of these roles');
    const shown = (await r.sim.command('/users', 'show bo', { userId: OWNER, channelId: CHANNEL })).body as Message;
    expect(shown.blocks.flatMap((b) => b.elements ?? []).some((e) => e.action_id === SCHEDULE.openOffboard)).toBe(true);
  });

  it('sets the time zone and the hour from /users settings', async () => {
    const bad = await r.sim.command('/users', 'settings timezone Atlantis/Capital', { userId: OWNER, channelId: CHANNEL });
    expect(text(bad.body)).toContain('is not a time zone');
    expect(text((await r.sim.command('/users', 'settings timezone Europe/Paris', { userId: OWNER, channelId: CHANNEL })).body)).toContain(
      "The organization's time zone is now Europe/Paris",
    );
    expect(text((await r.sim.command('/users', 'settings schedule-hour 7', { userId: OWNER, channelId: CHANNEL })).body)).toContain('now run at 07:00');
    expect(text((await r.sim.command('/users', 'settings', { userId: OWNER, channelId: CHANNEL })).body)).toContain('run at 07:00 in Europe/Paris');
    expect(text((await r.sim.command('/users', 'settings timezone UTC', { userId: HELPDESK, channelId: CHANNEL })).body)).toContain(
      'you need one of these roles',
    );
  });
});
