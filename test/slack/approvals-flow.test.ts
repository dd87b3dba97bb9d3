import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberActor } from '../../src/core/context.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { APPROVAL } from '../../src/slack/views/approval-ids.js';
import { ACTION } from '../../src/slack/views/ids.js';
import { makeUser } from '../lifecycle/helpers.js';
import { validateMessageBlocks, validateView } from '../support/block-kit-validator.js';
import type { Message } from '../support/fake-slack-api.js';
import { startRosterUnderTest, type RosterUnderTest } from '../support/roster-under-test.js';
import { checkboxes, externalSelect, multiStaticSelect, plainText, radio, usersSelect } from '../support/slack-requests.js';
import { countRows } from '../support/test-db.js';
import { CHANNEL, csvBytes, channelUpload, OWNER, seedContoso, text, userRow, waitForPreview } from './import-helpers.js';

/* Two-person approval in Slack (issue 17 item 1), end to end through the fake Slack Web API. */
let r: RosterUnderTest;
const GIA = 'U0GLOBAL2';
const UMA = 'U0UADMIN';
let owner: MemberActor;

beforeAll(async () => {
  r = await startRosterUnderTest();
  await seedContoso(r, 10);
  owner = { teamId: r.fake.teamId, slackUserId: OWNER };
  r.fake.seedUser({ id: GIA, realName: 'Gia Global' });
  r.fake.seedUser({ id: UMA, realName: 'Uma User-admin' });
  await makeUser(r.db.ctx, 'gia', { roles: ['global_admin'], slackUserId: GIA }, owner);
  await makeUser(r.db.ctx, 'uma', { roles: ['user_admin'], slackUserId: UMA }, owner);
  await makeUser(r.db.ctx, 'ana', {}, owner);
  await makeUser(r.db.ctx, 'bo', {}, owner);
  await r.quiet();
});
afterAll(async () => r.stop());

async function opened(after: number) {
  const call = await r.fake.waitFor('views.open', { after });
  expect(call.response.ok, text(call.response)).toBe(true);
  return r.fake.viewRecord((call.response as unknown as { view: { id: string } }).view.id)!.view as { id: string; blocks: unknown[] };
}

const buttonsOf = (m: Message | undefined) =>
  ((m?.blocks ?? []) as { elements?: { action_id?: string }[] }[]).flatMap((b) => b.elements ?? []).flatMap((e) => (e.action_id ? [e.action_id] : []));
const lastDmWith = (member: string, words: string) =>
  r.fake
    .dmsTo(member)
    .filter((m) => text(m).includes(words))
    .at(-1);

describe('/users policy', () => {
  it('opens the form for a Global admin only, and saves what needs approval', async () => {
    const refused = await r.sim.command('/users', 'policy', { userId: UMA });
    expect(text(refused.body)).toContain('To change organization settings you need one of these roles: Global admin');
    const before = r.fake.calls().length;
    expect((await r.sim.command('/users', 'policy', { userId: OWNER })).problems).toEqual([]);
    const form = await opened(before);
    expect(validateView(form, 'modal')).toEqual([]);
    const bad = await r.sim.viewSubmission(form, { changes: { value: checkboxes([]) }, validHours: { value: plainText('0') } }, { userId: OWNER });
    expect(bad.body).toMatchObject({ response_action: 'errors', errors: { validHours: expect.stringContaining('1 to 720 hours') } });
    const saved = await r.sim.viewSubmission(
      form,
      {
        changes: { value: checkboxes(['deletes', 'roleGrants']) },
        bulkAbove: { value: plainText('2') },
        seatsAbove: { value: plainText('') },
        validHours: { value: plainText('24') },
      },
      { userId: OWNER },
    );
    expect(text(saved.body)).toContain(
      "Saved. These need a second admin's approval: giving an admin role; deleting users; an import or Edit many of more than 2 users",
    );
  });
});

describe('requests', () => {
  it('a delete waits for approval: the approvers get Approve / Deny, the requester Cancel; Approve deletes and tells everyone', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'delete ana@contoso.onmicrosoft.com', { userId: UMA });
    const confirm = await opened(before);
    expect((await r.sim.viewSubmission(confirm, {}, { userId: UMA })).problems).toEqual([]);
    const asked = await r.fake.waitFor(
      () => !!lastDmWith(GIA, 'asks a second admin') && !!lastDmWith(OWNER, 'asks a second admin') && !!lastDmWith(UMA, 'Pending approval.'),
    );
    expect(asked).toBeTruthy();
    const mine = lastDmWith(UMA, 'Pending approval.')!;
    expect(validateMessageBlocks(mine.blocks)).toEqual([]);
    expect(buttonsOf(mine)).toEqual([APPROVAL.cancel]);
    // A copy: what the member's Slack client shows, even after the app updates the message.
    const toOwner = structuredClone(lastDmWith(OWNER, 'asks a second admin')!);
    expect(validateMessageBlocks(toOwner.blocks)).toEqual([]);
    expect(text(toOwner)).toContain('Delete ana@contoso.onmicrosoft.com');
    expect(buttonsOf(toOwner)).toEqual([APPROVAL.approve, APPROVAL.deny]);
    expect(text(toOwner.blocks)).toMatch(/"style":"danger".*"confirm"/);
    // The requester is never asked to approve.
    expect(r.fake.dmsTo(UMA).some((m) => buttonsOf(m).includes(APPROVAL.approve))).toBe(false);
    expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'ana').where('deletedAt', 'is', null))).toBe(1);

    await r.sim.blockAction({ userId: OWNER, actionId: APPROVAL.approve, message: toOwner });
    await r.fake.waitFor(() => r.fake.dmsTo(UMA).some((m) => /Approved by <@U0OWNER>: done: Deleted ana@contoso.onmicrosoft.com/.test(m.text ?? '')));
    expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'ana').where('deletedAt', 'is', null))).toBe(0);
    // Gia's DM now says who approved it, without its buttons.
    await r.fake.waitFor(() => text(r.fake.dmsTo(GIA).find((m) => m.ts === lastDmWith(GIA, 'Delete ana')?.ts)).includes('Approved by <@U0OWNER>'));
    const gias = r.fake.dmsTo(GIA).find((m) => text(m).includes('Delete ana'))!;
    expect(buttonsOf(gias)).toEqual([]);
    expect(text(gias)).toContain('Approved by <@U0OWNER>');
    // Approving again from the old buttons does nothing more.
    const calls = r.fake.calls().length;
    await r.sim.blockAction({ userId: GIA, actionId: APPROVAL.approve, message: toOwner });
    await r.fake.waitFor('$response_url', { after: calls });
    expect(await countRows(r.db.db, 'AuditRecord', (q) => q.where('action', '=', 'user.delete'))).toBe(1);
  });

  it('a role grant denied with a reason: nothing changes, the requester is told why', async () => {
    const held = await editUser(
      r.db.ctx,
      owner,
      { username: 'bo@contoso.onmicrosoft.com' },
      { settings: { roles: ['user_admin'], alternateEmail: 'bo@example.com' } },
    );
    expect(held).toMatchObject({ ok: false, code: 'pending_approval' });
    await r.fake.waitFor(() => !!lastDmWith(GIA, 'make bo@contoso.onmicrosoft.com User admin'));
    // A User admin cannot give roles, so is not asked to approve one.
    expect(lastDmWith(UMA, 'make bo@')).toBeUndefined();
    const dm = lastDmWith(GIA, 'make bo@contoso.onmicrosoft.com User admin')!;
    const before = r.fake.calls().length;
    await r.sim.blockAction({ userId: GIA, actionId: APPROVAL.deny, message: dm });
    const form = await opened(before);
    expect(validateView(form, 'modal')).toEqual([]);
    await r.sim.viewSubmission(form, { reason: { value: plainText('Not before the <training>') } }, { userId: GIA });
    await r.fake.waitFor(() => r.fake.dmsTo(OWNER).some((m) => (m.text ?? '').includes('Denied by <@U0GLOBAL2>: Not before the &lt;training&gt;')));
    expect(
      await countRows(r.db.db, 'RoleAssignment', (q) => q.innerJoin('DirectoryUser as u', 'u.id', 'RoleAssignment.userId').where('u.aliasKey', '=', 'bo')),
    ).toBe(0);
    const listed = await r.sim.command('/users', 'approvals', { userId: GIA });
    expect(text(listed.body)).toContain('No request waits for you');
  });

  it('lists the requests in /users approvals, and the requester cancels theirs from the DM: every DM says so', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', 'delete bo@contoso.onmicrosoft.com', { userId: UMA });
    await r.sim.viewSubmission(await opened(before), {}, { userId: UMA });
    await r.fake.waitFor(() => !!lastDmWith(GIA, 'Delete bo@') && !!lastDmWith(UMA, 'Pending approval.'));
    const forGia = (await r.sim.command('/users', 'approvals', { userId: GIA })).body as Message;
    expect(validateMessageBlocks(forGia.blocks)).toEqual([]);
    expect(text(forGia)).toContain('Delete bo@contoso.onmicrosoft.com');
    expect(buttonsOf(forGia)).toEqual([APPROVAL.approve, APPROVAL.deny]);
    const forUma = (await r.sim.command('/users', 'approvals', { userId: UMA })).body as Message;
    expect(buttonsOf(forUma)).toEqual([APPROVAL.cancel]);
    const mine = structuredClone(lastDmWith(UMA, 'Pending approval.')!);
    await r.sim.blockAction({ userId: UMA, actionId: APPROVAL.cancel, message: mine });
    await r.fake.waitFor(() => text(r.fake.dmsTo(GIA).find((m) => text(m).includes('Delete bo@'))).includes('Cancelled by the requester'));
    expect(buttonsOf(r.fake.dmsTo(GIA).find((m) => text(m).includes('Delete bo@')))).toEqual([]);
    expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'bo').where('deletedAt', 'is', null))).toBe(1);
    expect(text((await r.sim.command('/users', 'approvals', { userId: GIA })).body)).toContain('No request waits for you');
  });

  it('an import above the threshold waits, and runs once approved: the requester gets the results', async () => {
    const file = r.fake.addFile({ name: 'hires.csv', user: OWNER, bytes: csvBytes([userRow('cy'), userRow('dee'), userRow('eve')]) });
    const { event, ts } = channelUpload(file);
    const before = r.fake.calls().length;
    await r.sim.event(event);
    const preview = structuredClone(await waitForPreview(r, CHANNEL, ts, before));
    const opening = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.importChooseSettings, message: preview });
    const settings = await opened(opening);
    const submitted = await r.sim.viewSubmission(
      settings,
      {
        signInAllowed: { value: radio('allowed') },
        usageLocation: { value: externalSelect('NL') },
        licenses: { value: multiStaticSelect([]) },
        whenSeatsRunOut: { value: radio('licensed_only') },
        recipients: { value: usersSelect([]) },
      },
      { userId: OWNER },
    );
    expect(submitted.problems).toEqual([]);
    await r.fake.waitFor(() => !!lastDmWith(GIA, 'import 3 users from hires.csv'));
    expect(r.fake.dmsTo(OWNER).some((m) => (m.text ?? '').startsWith('Pending approval'))).toBe(true);
    expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('aliasKey', 'in', ['cy', 'dee', 'eve']))).toBe(0);
    await r.sim.blockAction({ userId: GIA, actionId: APPROVAL.approve, message: lastDmWith(GIA, 'import 3 users from hires.csv')! });
    await r.fake.waitFor(() => r.fake.dmsTo(OWNER).some((m) => /^Import of hires.csv finished: 3 created/.test(m.text ?? '')), { timeoutMs: 10_000 });
    expect(await countRows(r.db.db, 'DirectoryUser', (q) => q.where('aliasKey', 'in', ['cy', 'dee', 'eve']))).toBe(3);
    const audit = await r.db.db
      .selectFrom('AuditRecord')
      .select(['action', 'actorSlackUserId'])
      .where('action', 'in', ['users.import', 'approval.approved'])
      .execute();
    expect(audit.filter((a) => a.action === 'approval.approved').map((a) => a.actorSlackUserId)).toContain(GIA);
    expect(audit.filter((a) => a.action === 'users.import').every((a) => a.actorSlackUserId === OWNER)).toBe(true);
  });
});
