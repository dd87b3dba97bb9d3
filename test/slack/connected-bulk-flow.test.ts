/**
 * Issue 16's bar in Slack: the bulk actions under `/users list` (Reset passwords, Block, Allow,
 * Delete), Restore and Purge from `/users deleted`, reclaiming and offboarding, on a connected
 * organization. Each test checks what Slack was sent, what the fake tenant now holds, and the
 * local mirror.
 */
import { addDays, format } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockUser } from '../../src/core/users/block-user.js';
import { SEATS } from '../../src/slack/views/seat-ids.js';
import { toDbDate } from '../../src/store/values.js';
import { ACTION } from '../../src/slack/views/ids.js';
import { BASIC, makeUser } from '../lifecycle/helpers.js';
import { changesAsked, lastBody } from '../microsoft/tenant-support.js';
import type { FakeGraph } from '../support/fake-graph.js';
import type { RosterUnderTest } from '../support/roster-under-test.js';
import { checkboxes, plainText } from '../support/slack-requests.js';
import { datePicker } from '../support/slack-view-state.js';
import { mirrorLicenses, mirrorRow, OWNER, openedView, startConnectedRoster, submitAndSettle, type ConnectedRoster } from './connected-slack.js';

let c: ConnectedRoster;
let r: RosterUnderTest;
let graph: FakeGraph;
const ids: Record<string, { id: string; upn: string; externalId: string }> = {};
const text = (value: unknown) => JSON.stringify(value);
const tenantUser = (alias: string) => graph.tenant.users.get(ids[alias]!.externalId)!;
type Message = { text?: string; blocks?: unknown[]; ts?: string };

beforeAll(async () => {
  c = await startConnectedRoster();
  ({ r, graph } = c);
  for (const alias of ['ana', 'bob', 'carl', 'dan']) {
    const made = await makeUser(r.db.ctx, alias, { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }, c.owner);
    ids[alias] = { ...made, externalId: graph.tenant.find(made.upn)!.user.id };
  }
});
afterAll(async () => c.stop());

const ticked = (blockId: string, userIds: string[]) => ({
  state: { values: { [blockId]: { select: { type: 'checkboxes', selected_options: userIds.map((value) => ({ value })) } } } },
});

/** Presses a bulk button under a list message with these users ticked; returns the confirmation it opened. */
async function press(message: Message, actionId: string, blockId: string, aliases: string[]) {
  const before = r.fake.calls().length;
  const res = await r.sim.blockAction({
    userId: OWNER,
    actionId,
    message: { ...message, ts: '1700000000.000100' },
    overrides: ticked(
      blockId,
      aliases.map((a) => ids[a]!.id),
    ),
  });
  expect(res.problems).toEqual([]);
  return openedView(r, before);
}

/** Confirms a bulk action and waits for its one results DM (its summary line names the action). */
async function confirmAndReport(modal: object, values: Parameters<typeof submitAndSettle>[2], title: string) {
  const calls = r.fake.calls().length;
  const submitted = await submitAndSettle(r, modal, values, OWNER);
  expect(text(submitted.body)).toContain('You get one DM from Roster with the results');
  const dm = await r.fake.waitFor(
    (call) => call.method === 'chat.postMessage' && call.args.channel === `D${OWNER}` && String(call.args.text).startsWith(`${title}:`),
    {
      after: calls,
      timeoutMs: 10_000,
    },
  );
  return { results: text(dm.args), calls };
}

const listOf = async () => (await r.sim.command('/users', 'list', { userId: OWNER })).body as Message;

describe('bulk actions from /users list on a connected organization', () => {
  it('Reset passwords: each ticked user gets a new password in the tenant (change at next sign-in), each revealed once by Show password', async () => {
    const modal = await press(await listOf(), 'roster_bulk_reset_password', 'user_rows', ['ana', 'bob']);
    expect(text(modal)).toMatch(/Reset the passwords of 2 users\?/);
    const from = graph.calls().length;
    const { results, calls } = await confirmAndReport(modal, { requirePasswordChange: { value: checkboxes(['require_change']) } }, 'Reset passwords');
    expect(results).toMatch(/2 done, 0 not done.*Passwords reset \(2\).*ana@contoso.onmicrosoft.com.*bob@contoso.onmicrosoft.com/);
    expect(changesAsked(graph, from).sort()).toEqual([`PATCH /users/${ids.ana!.externalId} 204`, `PATCH /users/${ids.bob!.externalId} 204`].sort());
    const sent = lastBody(graph, `PATCH /users/${ids.ana!.externalId}`) as { passwordProfile: { password: string; forceChangePasswordNextSignIn: boolean } };
    expect(sent.passwordProfile.forceChangePasswordNextSignIn).toBe(true);
    expect(tenantUser('ana').user.lastPasswordChangeDateTime).not.toBeNull();
    // The notices (never the password itself) came before the results; Ana's reveals what the tenant was given.
    const notices = r.fake
      .calls()
      .slice(calls)
      .filter((call) => call.method === 'chat.postMessage' && text(call.args).includes(ACTION.showPassword));
    expect(notices).toHaveLength(2);
    expect(text(r.fake.dmsTo(OWNER))).not.toContain(sent.passwordProfile.password);
    const anaNotice = r.fake.dmsTo(OWNER).find((m) => text(m).includes('ana@contoso.onmicrosoft.com') && text(m).includes(ACTION.showPassword))!;
    const pressed = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.showPassword, message: anaNotice });
    const reveal = await r.fake.waitFor('views.open', { after: pressed });
    const shown = text(reveal.args.view).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(shown).toContain(sent.passwordProfile.password);
    expect(await mirrorRow(r, ids.ana!.upn)).toMatchObject({ forceChangePassword: 1 });
    expect(r.logs.join('\n')).not.toContain(sent.passwordProfile.password);
  });

  it('Block then Allow: accountEnabled changes in the tenant and the mirror, one results DM each', async () => {
    const block = await press(await listOf(), 'roster_bulk_block', 'user_rows', ['ana', 'bob']);
    expect(text(block)).toMatch(/Block 2 users from signing in\?/);
    let from = graph.calls().length;
    const blocked = await confirmAndReport(block, {}, 'Block sign-in');
    expect(blocked.results).toMatch(/2 done, 0 not done.*Blocked \(2\)/);
    expect(lastBody(graph, `PATCH /users/${ids.ana!.externalId}`)).toEqual({ accountEnabled: false });
    expect(changesAsked(graph, from)).toHaveLength(2);
    expect([tenantUser('ana').user.accountEnabled, tenantUser('bob').user.accountEnabled]).toEqual([false, false]);
    expect([(await mirrorRow(r, ids.ana!.upn))?.accountEnabled, (await mirrorRow(r, ids.bob!.upn))?.accountEnabled]).toEqual([0, 0]);

    const allow = await press(await listOf(), 'roster_bulk_unblock', 'user_rows', ['ana']);
    from = graph.calls().length;
    const allowed = await confirmAndReport(allow, {}, 'Allow sign-in');
    expect(allowed.results).toMatch(/1 done, 0 not done/);
    expect(changesAsked(graph, from)).toEqual([`PATCH /users/${ids.ana!.externalId} 204`]);
    expect(tenantUser('ana').user.accountEnabled).toBe(true);
    expect(tenantUser('bob').user.accountEnabled).toBe(false);
    expect(await mirrorRow(r, ids.ana!.upn)).toMatchObject({ accountEnabled: 1 });
  });

  it('Delete: the tenant deletes the ticked users (restorable, their licenses freed there), the mirror marks them deleted', async () => {
    const modal = await press(await listOf(), 'roster_bulk_delete', 'user_rows', ['bob', 'carl', 'dan']);
    expect(text(modal)).toMatch(/Delete 3 users\?.*Their licenses are freed/);
    const from = graph.calls().length;
    const { results } = await confirmAndReport(modal, {}, 'Delete users');
    expect(results).toMatch(/3 done, 0 not done.*Deleted \(3\)/);
    expect(changesAsked(graph, from).sort()).toEqual(['bob', 'carl', 'dan'].map((a) => `DELETE /users/${ids[a]!.externalId} 204`).sort());
    for (const alias of ['bob', 'carl', 'dan']) {
      expect(tenantUser(alias).deletedSeq).not.toBeNull();
      expect((await mirrorRow(r, ids[alias]!.upn))?.deletedAt).not.toBeNull();
    }
    expect(graph.tenant.consumedUnits(BASIC.skuId)).toBe(1);
  });
});

describe('Restore and Purge from /users deleted on a connected organization', () => {
  it('Restore the ticked users: restored from the tenant’s deletedItems with a new password each, licenses back, the mirror follows', async () => {
    const listed = (await r.sim.command('/users', 'deleted', { userId: OWNER })).body as Message;
    expect(text(listed)).toMatch(/bob@contoso.onmicrosoft.com.*carl@contoso.onmicrosoft.com/);
    const modal = await press(listed, 'roster_bulk_restore', 'deleted_rows', ['bob', 'carl']);
    expect(text(modal)).toMatch(/Restore 2 users\?/);
    const from = graph.calls().length;
    const { results, calls } = await confirmAndReport(modal, {}, 'Restore users');
    expect(results).toMatch(/2 done, 0 not done.*Restored \(2\)/);
    for (const alias of ['bob', 'carl']) {
      const { externalId, upn, id } = ids[alias]!;
      expect(changesAsked(graph, from)).toEqual(
        expect.arrayContaining([`POST /directory/deletedItems/${externalId}/restore 200`, `PATCH /users/${externalId} 204`]),
      );
      expect(tenantUser(alias).deletedSeq).toBeNull();
      expect(tenantUser(alias).user.assignedLicenses).toEqual([{ skuId: BASIC.skuId, disabledPlans: [] }]);
      expect((await mirrorRow(r, upn))?.deletedAt).toBeNull();
      expect(await mirrorLicenses(r, id)).toEqual([{ skuId: BASIC.skuId, disabledPlans: [] }]);
    }
    const notices = r.fake
      .calls()
      .slice(calls)
      .filter((call) => call.method === 'chat.postMessage' && text(call.args).includes(ACTION.showPassword));
    expect(notices.map((call) => call.args.channel)).toEqual([`D${OWNER}`, `D${OWNER}`]);
  });

  it('/users restore: the form restores one user from deletedItems under a new username when the tenant has given theirs away', async () => {
    graph.tenant.addUser({ userPrincipalName: ids.dan!.upn, displayName: 'A new dan, made in the admin center' });
    const before = r.fake.calls().length;
    await r.sim.command('/users', `restore ${ids.dan!.upn}`, { userId: OWNER });
    const form = await openedView(r, before);
    const from = graph.calls().length;
    // Roster's mirror does not know the new dan yet: the tenant refuses, in its words, and nothing is restored.
    const taken = await submitAndSettle(r, form, { alias: { value: plainText('dan') } }, OWNER);
    const refusal = text(taken.body) + text(r.fake.calls().slice(before));
    expect(refusal).toContain('is already used in Contoso Ltd');
    expect(tenantUser('dan').deletedSeq).not.toBeNull();
    expect((await mirrorRow(r, ids.dan!.upn))?.deletedAt).not.toBeNull();
    const again = r.fake.calls().length;
    await r.sim.command('/users', `restore ${ids.dan!.upn}`, { userId: OWNER });
    const retry = await openedView(r, again);
    const done = await submitAndSettle(r, retry, { alias: { value: plainText('dan.old') } }, OWNER);
    // The ack says it is asking the tenant; the modal says "Restored" once the tenant did.
    expect(text(done.body)).toContain('Restoring dan.old@contoso.onmicrosoft.com in Contoso Ltd…');
    expect(text(r.fake.viewRecord(String((retry as { id: string }).id))!.view)).toMatch(/Restored.*dan.old@contoso.onmicrosoft.com/);
    expect(changesAsked(graph, from)).toEqual(expect.arrayContaining([`POST /directory/deletedItems/${ids.dan!.externalId}/restore 200`]));
    // The restore takes the new username itself (Graph's newUserPrincipalName): restoring first, renaming after, is refused.
    expect(lastBody(graph, `POST /directory/deletedItems/${ids.dan!.externalId}/restore`)).toEqual({ newUserPrincipalName: 'dan.old@contoso.onmicrosoft.com' });
    expect(tenantUser('dan')).toMatchObject({ deletedSeq: null, user: { userPrincipalName: 'dan.old@contoso.onmicrosoft.com' } });
    expect(await mirrorRow(r, 'dan.old@contoso.onmicrosoft.com')).toMatchObject({ deletedAt: null, externalId: ids.dan!.externalId });
  });

  it('/users purge: the username typed again, then the tenant removes the user for good and the mirror forgets them', async () => {
    const alias = 'ana';
    const { upn, externalId, id } = ids[alias]!;
    let before = r.fake.calls().length;
    await r.sim.command('/users', `delete ${upn}`, { userId: OWNER });
    await submitAndSettle(r, await openedView(r, before), {}, OWNER);
    expect(tenantUser(alias).deletedSeq).not.toBeNull();
    before = r.fake.calls().length;
    await r.sim.command('/users', `purge ${upn}`, { userId: OWNER });
    const modal = await openedView(r, before);
    const from = graph.calls().length;
    const sent = r.fake.calls().length;
    await submitAndSettle(r, modal, { confirm: { value: plainText(upn) } }, OWNER);
    const dm = await r.fake.waitFor((call) => call.method === 'chat.postMessage' && String(call.args.text).includes('for good'), { after: sent });
    expect(String(dm.args.text)).toBe(`Removed ${upn} for good: it can no longer be restored.`);
    expect(changesAsked(graph, from)).toEqual([`DELETE /directory/deletedItems/${externalId} 204`]);
    expect(graph.tenant.users.get(externalId)!.purgedSeq).not.toBeNull();
    expect(await r.db.db.selectFrom('DirectoryUser').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });
});

describe('reclaiming and offboarding on a connected organization', () => {
  type Block = { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] };
  it('/licenses reclaim: Reclaim removes a blocked user’s license in the tenant, then in the mirror, and the report says so', async () => {
    const carl = ids.carl!;
    expect(await blockUser(r.db.ctx, c.owner, { userId: carl.id })).toMatchObject({ ok: true });
    const report = (await r.sim.command('/licenses', 'reclaim', { userId: OWNER, channelId: 'C0GENERAL1' })).body as { text: string; blocks: Block[] };
    expect(text(report)).toContain('carl@contoso.onmicrosoft.com');
    const blockId = report.blocks.find((b) => b.elements?.some((e) => e.action_id === SEATS.reclaimUser && e.value === carl.id))?.block_id;
    const from = graph.calls().length;
    const before = r.fake.calls().length;
    await r.sim.blockAction({
      userId: OWNER,
      actionId: SEATS.reclaimUser,
      blockId,
      value: carl.id,
      message: { ...report, ts: '1700000000.000900' },
      channelId: 'C0GENERAL1',
    });
    const replaced = (await r.fake.waitFor('$response_url', { after: before })).args;
    expect(text(replaced)).toContain('Reclaimed a license from carl@contoso.onmicrosoft.com.');
    expect(changesAsked(graph, from)).toEqual([`POST /users/${carl.externalId}/assignLicense 200`]);
    expect(tenantUser('carl').user.assignedLicenses).toEqual([]);
    expect(await mirrorLicenses(r, carl.id)).toEqual([]);
  });

  it('/users offboard: scheduled from the form; on its day the tenant blocks sign-in, resets the password and removes the licenses; the summary DM and the mirror follow', async () => {
    const bob = ids.bob!;
    const before = r.fake.calls().length;
    await r.sim.command('/users', `offboard ${bob.upn}`, { userId: OWNER });
    const form = await openedView(r, before);
    const lastDay = format(addDays(new Date(), 2), 'yyyy-MM-dd');
    const saving = r.fake.calls().length;
    await submitAndSettle(r, form, { lastDay: { value: datePicker(lastDay) }, deleteAfterDays: { value: plainText('') } }, OWNER);
    await r.fake.waitFor((call) => call.method === 'chat.postMessage' && text(call.args).includes(`Scheduled: ${bob.upn}`), { after: saving });
    const job = await r.db.db.selectFrom('Job').select('id').where('kind', '=', 'users.offboard').where('status', '=', 'queued').executeTakeFirstOrThrow();
    // The day comes: the job is due now.
    const from = graph.calls().length;
    await r.db.db
      .updateTable('Job')
      .set({ runAt: toDbDate(new Date()) })
      .where('id', '=', job.id)
      .execute();
    r.db.runtime.jobs.nudgeAt(new Date());
    const summary = await r.fake.waitFor((call) => call.method === 'chat.postMessage' && text(call.args).includes(`Offboarded ${bob.upn}`), {
      timeoutMs: 8000,
    });
    expect(text(summary.args)).toContain(`licenses removed: ${BASIC.displayName}`);
    expect(changesAsked(graph, from)).toEqual(
      expect.arrayContaining([`PATCH /users/${bob.externalId} 204`, `POST /users/${bob.externalId}/assignLicense 200`]),
    );
    expect(tenantUser('bob').user).toMatchObject({ accountEnabled: false, assignedLicenses: [] });
    expect(await mirrorRow(r, bob.upn)).toMatchObject({ accountEnabled: 0 });
    expect(await mirrorLicenses(r, bob.id)).toEqual([]);
  });
});
