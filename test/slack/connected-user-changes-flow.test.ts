/**
 * Issue 16's bar in Slack: the single-user forms on a connected organization, end to end (signed
 * HTTP to the app, the fake Slack Web API, the fake Graph). Each test checks what Slack was sent,
 * what the tenant now holds, and the local mirror.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, CALLBACK } from '../../src/slack/views/ids.js';
import { BASIC, E3, makeUser } from '../lifecycle/helpers.js';
import { changesAsked, lastBody } from '../microsoft/tenant-support.js';
import type { FakeGraph } from '../support/fake-graph.js';
import type { RosterUnderTest } from '../support/roster-under-test.js';
import { checkboxes, externalSelect, multiStaticSelect, plainText, radio } from '../support/slack-requests.js';
import { mirrorLicenses, mirrorRow, OWNER, openedView, startConnectedRoster, submitAndSettle, type ConnectedRoster } from './connected-slack.js';

let c: ConnectedRoster;
let r: RosterUnderTest;
let graph: FakeGraph;
const ids: Record<string, { id: string; upn: string; externalId: string }> = {};
const text = (value: unknown) => JSON.stringify(value);
const tenantUser = (alias: string) => graph.tenant.users.get(ids[alias]!.externalId)!;

beforeAll(async () => {
  c = await startConnectedRoster();
  ({ r, graph } = c);
  for (const alias of ['ana', 'bob', 'carl', 'dee', 'eve']) {
    const made = await makeUser(r.db.ctx, alias, { jobTitle: 'Buyer' }, c.owner);
    ids[alias] = { ...made, externalId: graph.tenant.find(made.upn)!.user.id };
  }
});
afterAll(async () => c.stop());

describe('Edit user on a connected organization', () => {
  it('sends only the changed fields to the tenant (the usage location before the license), then the mirror records them', async () => {
    const modal = await (async () => {
      const before = r.fake.calls().length;
      await r.sim.command('/users', `edit ${ids.ana!.upn}`, { userId: OWNER });
      return openedView(r, before);
    })();
    expect(modal.callback_id).toBe(CALLBACK.editUser);
    const from = graph.calls().length;
    const saved = await submitAndSettle(
      r,
      modal,
      { jobTitle: { value: plainText('Lead <buyer>') }, usageLocation: { value: externalSelect('BE') }, licenses: { value: multiStaticSelect([BASIC.skuId]) } },
      OWNER,
    );
    // The ack says the tenant is being asked; once it accepted, the modal says saved.
    expect(text(saved.body)).toMatch(/Saving the changes to ana@contoso.onmicrosoft.com in Contoso Ltd: jobTitle, usageLocation, licenses…/);
    expect(text(r.fake.viewRecord(modal.id)!.view)).toMatch(/Saved ana@contoso.onmicrosoft.com: jobTitle, usageLocation, licenses\./);
    const ana = ids.ana!;
    expect(changesAsked(graph, from)).toEqual([`PATCH /users/${ana.externalId} 204`, `POST /users/${ana.externalId}/assignLicense 200`]);
    expect(lastBody(graph, `PATCH /users/${ana.externalId}`)).toEqual({ jobTitle: 'Lead <buyer>', usageLocation: 'BE' });
    expect(tenantUser('ana').user).toMatchObject({
      jobTitle: 'Lead <buyer>',
      usageLocation: 'BE',
      assignedLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
    });
    expect(await mirrorRow(r, ana.upn)).toMatchObject({ jobTitle: 'Lead <buyer>', usageLocation: 'BE' });
    expect(await mirrorLicenses(r, ana.id)).toEqual([{ skuId: BASIC.skuId, disabledPlans: [] }]);
  });

  it('a username taken in the tenant since the last sync: the form comes back with the tenant’s words on the Username field; nothing changes', async () => {
    graph.tenant.addUser({ userPrincipalName: 'zed@contoso.onmicrosoft.com', displayName: 'Zed from the admin center' });
    const before = r.fake.calls().length;
    await r.sim.command('/users', `edit ${ids.bob!.upn}`, { userId: OWNER });
    const modal = await openedView(r, before);
    const from = graph.calls().length;
    const submitted = r.fake.calls().length;
    await submitAndSettle(r, modal, { alias: { value: plainText('zed') }, jobTitle: { value: plainText('Clerk') } }, OWNER);
    const updated = await r.fake.waitFor((call) => call.method === 'views.update' && call.args.view_id === modal.id, { after: submitted, timeoutMs: 5000 });
    expect(updated.response.ok, text(updated.response)).toBe(true);
    const form = r.fake.viewRecord(modal.id)!.view as { callback_id: string; blocks: { type: string; block_id?: string; element?: Record<string, unknown> }[] };
    // The Edit form again, as the admin filled it in, with the tenant's refusal right under Username.
    expect(form.callback_id).toBe(CALLBACK.editUser);
    const at = form.blocks.findIndex((b) => b.block_id === 'alias');
    expect(form.blocks[at]!.element).toMatchObject({ initial_value: 'zed' });
    expect(form.blocks.find((b) => b.block_id === 'jobTitle')!.element).toMatchObject({ initial_value: 'Clerk' });
    expect(text(form.blocks[at + 1])).toContain('The username zed@contoso.onmicrosoft.com is already used in Contoso Ltd');
    expect(changesAsked(graph, from)).toEqual([`PATCH /users/${ids.bob!.externalId} 400`]);
    expect(tenantUser('bob').user).toMatchObject({ userPrincipalName: ids.bob!.upn, jobTitle: 'Buyer' });
    expect(await mirrorRow(r, ids.bob!.upn)).toMatchObject({ jobTitle: 'Buyer' });
    // Fixed and saved again from the same form.
    const again = await submitAndSettle(r, r.fake.viewRecord(modal.id)!.view, { alias: { value: plainText('bob') } }, OWNER);
    expect(text(again.body)).toMatch(/Saving the changes to bob@contoso.onmicrosoft.com in Contoso Ltd: jobTitle/);
    expect(text(r.fake.viewRecord(modal.id)!.view)).toMatch(/Saved bob@contoso.onmicrosoft.com: jobTitle\./);
    expect(tenantUser('bob').user.jobTitle).toBe('Clerk');
    expect(await mirrorRow(r, ids.bob!.upn)).toMatchObject({ jobTitle: 'Clerk' });
  });

  it('no seats left in the tenant (taken in the admin center since the last sync): the refusal is on the Products field, in the tenant’s words', async () => {
    for (let i = 1; i <= 5; i++)
      graph.tenant.addUser({
        userPrincipalName: `e3.${i}@contoso.onmicrosoft.com`,
        usageLocation: 'NL',
        assignedLicenses: [{ skuId: E3.skuId, disabledPlans: [] }],
      });
    const before = r.fake.calls().length;
    await r.sim.command('/users', `edit ${ids.carl!.upn}`, { userId: OWNER });
    const modal = await openedView(r, before);
    const submitted = r.fake.calls().length;
    await submitAndSettle(r, modal, { licenses: { value: multiStaticSelect([E3.skuId]) } }, OWNER);
    await r.fake.waitFor((call) => call.method === 'views.update' && call.args.view_id === modal.id, { after: submitted, timeoutMs: 5000 });
    const form = r.fake.viewRecord(modal.id)!.view as { callback_id: string; blocks: { block_id?: string }[] };
    expect(form).toMatchObject({ callback_id: CALLBACK.editUser });
    const at = form.blocks.findIndex((b) => b.block_id === 'licenses');
    expect(at).toBeGreaterThan(0);
    expect(text(form.blocks[at + 1])).toContain('No Office 365 E3 licenses are left in Contoso Ltd');
    expect(tenantUser('carl').user.assignedLicenses).toEqual([]);
    expect(await mirrorLicenses(r, ids.carl!.id)).toEqual([]);
    for (let i = 1; i <= 5; i++) graph.tenant.deleteUser(`e3.${i}@contoso.onmicrosoft.com`);
  });
});

describe('Block, reset and delete one user on a connected organization', () => {
  it('/users block then unblock: accountEnabled in the tenant, then the mirror', async () => {
    let before = r.fake.calls().length;
    await r.sim.command('/users', `block ${ids.dee!.upn}`, { userId: OWNER });
    const confirm = await openedView(r, before);
    const done = await submitAndSettle(r, confirm, {}, OWNER);
    // The ack says the tenant is being asked; once it accepted, the modal says the user is blocked.
    expect(text(done.body)).toMatch(/Blocking the sign-in of dee@contoso.onmicrosoft.com in Contoso Ltd…/);
    expect(text(r.fake.viewRecord(confirm.id)!.view)).toMatch(/dee@contoso.onmicrosoft.com is blocked from signing in/);
    expect(await mirrorRow(r, ids.dee!.upn)).toMatchObject({ accountEnabled: 0 });
    expect(lastBody(graph, `PATCH /users/${ids.dee!.externalId}`)).toEqual({ accountEnabled: false });
    expect(tenantUser('dee').user.accountEnabled).toBe(false);
    before = r.fake.calls().length;
    await r.sim.command('/users', `unblock ${ids.dee!.upn}`, { userId: OWNER });
    const allow = await openedView(r, before);
    expect(text((await submitAndSettle(r, allow, {}, OWNER)).body)).toMatch(/Allowing the sign-in of dee@contoso.onmicrosoft.com in Contoso Ltd…/);
    expect(text(r.fake.viewRecord(allow.id)!.view)).toMatch(/dee@contoso.onmicrosoft.com can sign in again/);
    expect(await mirrorRow(r, ids.dee!.upn)).toMatchObject({ accountEnabled: 1 });
    expect(tenantUser('dee').user.accountEnabled).toBe(true);
  });

  it('/users reset-password: the tenant gets the new password (change at next sign-in); Show password reveals that one, once', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', `reset-password ${ids.dee!.upn}`, { userId: OWNER });
    const modal = await openedView(r, before);
    const setAt = (await mirrorRow(r, ids.dee!.upn))!.passwordSetAt;
    const submitted = r.fake.calls().length;
    const res = await r.sim.viewSubmission(
      modal,
      { passwordMode: { value: radio('auto') }, requirePasswordChange: { value: checkboxes(['require_change']) } },
      { userId: OWNER },
    );
    expect(res.problems).toEqual([]);
    await r.fake.waitFor((call) => call.method === 'chat.postMessage' && call.args.channel === `D${OWNER}` && text(call.args).includes(ACTION.showPassword), {
      after: submitted,
    });
    const notice = r.fake.dmsTo(OWNER).at(-1)!;
    const sent = lastBody(graph, `PATCH /users/${ids.dee!.externalId}`) as { passwordProfile: { password: string; forceChangePasswordNextSignIn: boolean } };
    expect(sent.passwordProfile.forceChangePasswordNextSignIn).toBe(true);
    expect(text(notice)).not.toContain(sent.passwordProfile.password);
    const pressed = r.fake.calls().length;
    await r.sim.blockAction({ userId: OWNER, actionId: ACTION.showPassword, message: notice });
    const reveal = await r.fake.waitFor('views.open', { after: pressed });
    expect(text(reveal.args.view)).toContain(sent.passwordProfile.password.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    const row = (await mirrorRow(r, ids.dee!.upn))!;
    expect(row.forceChangePassword).toBe(1);
    expect(row.passwordSetAt).not.toBe(setAt);
    expect(r.logs.join('\n')).not.toContain(sent.passwordProfile.password);
  });

  it('/users delete: the confirmation, the tenant deletes (restorable), the mirror marks the user deleted, and the DM says so', async () => {
    const before = r.fake.calls().length;
    await r.sim.command('/users', `delete ${ids.eve!.upn}`, { userId: OWNER });
    const confirm = await openedView(r, before);
    expect(text(confirm)).toMatch(/Delete 1 user/);
    const from = graph.calls().length;
    const submitted = r.fake.calls().length;
    expect((await r.sim.viewSubmission(confirm, {}, { userId: OWNER })).problems).toEqual([]);
    const dm = await r.fake.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === `D${OWNER}` && /Deleted 1 user/.test(text(call.args)),
      {
        after: submitted,
      },
    );
    expect(text(dm.args)).toContain('eve@contoso.onmicrosoft.com');
    expect(changesAsked(graph, from)).toEqual([`DELETE /users/${ids.eve!.externalId} 204`]);
    expect(tenantUser('eve').deletedSeq).not.toBeNull();
    expect((await mirrorRow(r, ids.eve!.upn))?.deletedAt).not.toBeNull();
  });
});

describe('a user’s Licenses form (the list row menu) on a connected organization', () => {
  /** Opens the Licenses form of a user from their row in /users list. */
  async function openLicenses(userId: string) {
    const listed = await r.sim.command('/users', 'list', { userId: OWNER });
    const before = r.fake.calls().length;
    await r.sim.blockAction({
      userId: OWNER,
      actionId: ACTION.userRowAction,
      blockId: `user_row_${userId}`,
      selectedOption: `licenses:${userId}`,
      message: { ...(listed.body as object), ts: '1700000000.000500' },
    });
    return openedView(r, before);
  }

  it('gives a product with an app turned off in the tenant, then the mirror; a refusal of the tenant comes by DM in its words', async () => {
    const carl = ids.carl!;
    const teams = BASIC.plans.find((p) => p.name === 'TEAMS1')!;
    const form = await openLicenses(carl.id);
    const from = graph.calls().length;
    const done = await submitAndSettle(
      r,
      form,
      { licenses: { value: multiStaticSelect([BASIC.skuId]) }, [`apps:${BASIC.skuId}`]: { value: multiStaticSelect([teams.id]) } },
      OWNER,
    );
    expect(done.body).toEqual({ response_action: 'clear' });
    expect(changesAsked(graph, from)).toEqual([`POST /users/${carl.externalId}/assignLicense 200`]);
    expect(tenantUser('carl').user.assignedLicenses).toEqual([{ skuId: BASIC.skuId, disabledPlans: [teams.id] }]);
    expect(await mirrorLicenses(r, carl.id)).toEqual([{ skuId: BASIC.skuId, disabledPlans: [teams.id] }]);

    // The tenant knows a prerequisite Roster does not: Teams needs Exchange, turned off here.
    const exchange = BASIC.plans.find((p) => p.name === 'EXCHANGE_S_STANDARD')!;
    graph.tenant.planNeeds.set(teams.id, [exchange.id]);
    const again = await openLicenses(carl.id);
    const sent = r.fake.calls().length;
    await submitAndSettle(
      r,
      again,
      { licenses: { value: multiStaticSelect([BASIC.skuId]) }, [`apps:${BASIC.skuId}`]: { value: multiStaticSelect([exchange.id]) } },
      OWNER,
    );
    const told = await r.fake.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === `D${OWNER}` && /licenses were not changed/.test(text(call.args)),
      {
        after: sent,
      },
    );
    expect(text(told.args)).toContain('Contoso Ltd refused: Microsoft Teams needs Exchange Online (Plan 1) first');
    expect(tenantUser('carl').user.assignedLicenses).toEqual([{ skuId: BASIC.skuId, disabledPlans: [teams.id] }]);
    expect(await mirrorLicenses(r, carl.id)).toEqual([{ skuId: BASIC.skuId, disabledPlans: [teams.id] }]);
    graph.tenant.planNeeds.clear();
  });
});
