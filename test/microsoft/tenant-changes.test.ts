import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { setUserLicenses } from '../../src/core/licenses/set-user-licenses.js';
import { BUY_IN_THE_ADMIN_CENTER, SYNCED_FROM_TENANT } from '../../src/core/refusals.js';
import { blockUser, unblockUser } from '../../src/core/users/block-user.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { inviteGuest } from '../../src/core/users/invite-guest.js';
import { markUserSynced } from '../../src/core/users/mark-synced.js';
import { purgeDeletedUser } from '../../src/core/users/purge-user.js';
import { sweepExpired } from '../../src/core/users/purge-deleted.js';
import { resetPassword } from '../../src/core/users/reset-password.js';
import { restoreUser } from '../../src/core/users/restore-user.js';
import { BASIC, E3, makeUser } from '../lifecycle/helpers.js';
import { OWNER } from '../support/test-db.js';
import { changesAsked, connectedWorld, lastBody, type ConnectedWorld } from './tenant-support.js';

let w: ConnectedWorld;
let ana: { id: string; upn: string; externalId: string };

beforeEach(async () => {
  w = await connectedWorld();
  const made = await makeUser(w.db.ctx, 'ana', { domain: 'contoso.com', jobTitle: 'Buyer', city: 'Utrecht' });
  ana = { ...made, externalId: w.graph.tenant.find(made.upn)!.user.id };
});
afterEach(async () => w.close());

const local = (id: string) => w.db.db.selectFrom('DirectoryUser').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const tenantUser = () => w.graph.tenant.users.get(ana.externalId)!;
const localLicenses = async (id: string) =>
  (await w.db.db.selectFrom('LicenseAssignment').select(['skuId', 'disabledPlans']).where('userId', '=', id).execute()).map(
    (l) => `${l.skuId}:${l.disabledPlans}`,
  );

describe('editing a user of a connected organization', () => {
  it('sends only the fields that changed, the usage location before the license, and records them after the tenant accepted', async () => {
    const before = w.graph.calls().length;
    const edited = await editUser(
      w.db.ctx,
      OWNER,
      { userId: ana.id },
      {
        details: { firstName: 'ana', lastName: 'Test', displayName: 'ana Test', jobTitle: 'Head buyer', city: 'Utrecht' },
        usageLocation: 'BE',
        licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }],
      },
    );
    expect(edited.ok, edited.ok ? '' : edited.message).toBe(true);
    expect(changesAsked(w.graph, before)).toEqual([`PATCH /users/${ana.externalId} 204`, `POST /users/${ana.externalId}/assignLicense 200`]);
    expect(lastBody(w.graph, `PATCH /users/${ana.externalId}`)).toEqual({ jobTitle: 'Head buyer', usageLocation: 'BE' });
    expect(tenantUser().user).toMatchObject({ jobTitle: 'Head buyer', city: 'Utrecht', usageLocation: 'BE' });
    expect(await local(ana.id)).toMatchObject({ jobTitle: 'Head buyer', usageLocation: 'BE' });
    expect(await localLicenses(ana.id)).toEqual([`${BASIC.skuId}:[]`]);
  });

  it('replaces one product by a mutually exclusive one in a single assignLicense; the tenant refusing it is said in its words on the licenses', async () => {
    await setUserLicenses(w.db.ctx, OWNER, ana.id, [{ skuId: BASIC.skuId, disabledPlans: [] }]);
    const swapped = await setUserLicenses(w.db.ctx, OWNER, ana.id, [{ skuId: E3.skuId, disabledPlans: [] }]);
    expect(swapped).toMatchObject({ ok: true, added: [E3.skuId], removed: [BASIC.skuId] });
    expect(lastBody(w.graph, `POST /users/${ana.externalId}/assignLicense`)).toEqual({
      addLicenses: [{ skuId: E3.skuId, disabledPlans: [] }],
      removeLicenses: [BASIC.skuId],
    });
    expect(tenantUser().user.assignedLicenses).toEqual([{ skuId: E3.skuId, disabledPlans: [] }]);
    // The tenant's own rules: an app turned off, then a prerequisite the tenant knows and Roster does not.
    const teams = E3.plans.find((p) => p.name === 'TEAMS1')!;
    const exchange = E3.plans.find((p) => p.name === 'EXCHANGE_S_ENTERPRISE')!;
    w.graph.tenant.planNeeds.set(teams.id, [exchange.id]);
    const refused = await setUserLicenses(w.db.ctx, OWNER, ana.id, [{ skuId: E3.skuId, disabledPlans: [exchange.id] }]);
    expect(refused).toMatchObject({ ok: false, fields: [{ field: 'licenses' }] });
    expect(refused.ok ? '' : refused.message).toContain(`needs ${exchange.displayName} first`);
    expect(await localLicenses(ana.id)).toEqual([`${E3.skuId}:[]`]);
  });

  it('blocks and unblocks sign-in with accountEnabled', async () => {
    expect(await blockUser(w.db.ctx, OWNER, { userId: ana.id })).toMatchObject({ ok: true, changed: true });
    expect(lastBody(w.graph, `PATCH /users/${ana.externalId}`)).toEqual({ accountEnabled: false });
    expect(tenantUser().user.accountEnabled).toBe(false);
    expect((await local(ana.id)).accountEnabled).toBe(0);
    expect(await unblockUser(w.db.ctx, OWNER, { userId: ana.id })).toMatchObject({ ok: true, changed: true });
    expect(tenantUser().user.accountEnabled).toBe(true);
  });

  it('a user synchronized from on premises is the tenant’s to say: marking one synced is refused', async () => {
    expect(await markUserSynced(w.db.ctx, OWNER, { userId: ana.id })).toMatchObject({ ok: false, code: 'unsupported', message: SYNCED_FROM_TENANT });
  });
});

describe('passwords of a connected organization', () => {
  it('resets a password in the tenant (change at next sign-in), revealed once as today', async () => {
    const reset = await resetPassword(w.db.ctx, OWNER, { userId: ana.id }, { password: { mode: 'auto' }, requirePasswordChange: true });
    expect(reset.ok, reset.ok ? '' : reset.message).toBe(true);
    if (!reset.ok) return;
    expect(lastBody(w.graph, `PATCH /users/${ana.externalId}`)).toEqual({
      passwordProfile: { password: reset.notice.temporaryPassword, forceChangePasswordNextSignIn: true },
    });
  });

  it('an app without the User Administrator role is named as what is missing; nothing changes', async () => {
    w.graph.registerApp({ clientId: w.app.clientId, secret: w.app.secret, permissions: w.app.permissions, roles: [] });
    const before = (await local(ana.id)).passwordSetAt;
    const reset = await resetPassword(w.db.ctx, OWNER, { userId: ana.id }, { password: { mode: 'auto' } });
    expect(reset).toMatchObject({ ok: false, code: 'forbidden' });
    expect(reset.ok ? '' : reset.message).toContain('the app needs the User Administrator role');
    expect((await local(ana.id)).passwordSetAt).toBe(before);
  });

  it('a chosen password the tenant refuses (a word of its banned list) is refused on the password, in its words', async () => {
    const reset = await resetPassword(w.db.ctx, OWNER, { userId: ana.id }, { password: { mode: 'custom', value: 'MyPassword#2026' } });
    expect(reset).toMatchObject({ ok: false, fields: [{ field: 'password' }] });
    expect(reset.ok ? '' : reset.message).toContain('Contoso Ltd refused this password');
  });
});

describe('delete, restore and purge on a connected organization', () => {
  it('deletes in the tenant, restores from its deleted items with a new password, and purges for good', async () => {
    await setUserLicenses(w.db.ctx, OWNER, ana.id, [{ skuId: BASIC.skuId, disabledPlans: [] }]);
    const before = w.graph.calls().length;
    expect(await deleteUsers(w.db.ctx, OWNER, { userIds: [ana.id] })).toMatchObject({ ok: true, deleted: [{ id: ana.id }] });
    expect(changesAsked(w.graph, before)).toEqual([`DELETE /users/${ana.externalId} 204`]);
    expect(tenantUser().deletedSeq).not.toBeNull();
    expect((await local(ana.id)).deletedAt).not.toBeNull();

    const restored = await restoreUser(w.db.ctx, OWNER, { user: ana.upn });
    expect(restored.ok, restored.ok ? '' : restored.message).toBe(true);
    if (!restored.ok) return;
    expect(restored.licensesGiven).toEqual([BASIC.displayName]);
    expect(changesAsked(w.graph, before).slice(1, 3)).toEqual([
      `POST /directory/deletedItems/${ana.externalId}/restore 200`,
      `PATCH /users/${ana.externalId} 204`,
    ]);
    expect(lastBody(w.graph, `PATCH /users/${ana.externalId}`)).toEqual({
      passwordProfile: { password: restored.notice.temporaryPassword, forceChangePasswordNextSignIn: true },
    });
    expect(tenantUser().deletedSeq).toBeNull();
    expect((await local(ana.id)).deletedAt).toBeNull();

    await deleteUsers(w.db.ctx, OWNER, { userIds: [ana.id] });
    const purged = await purgeDeletedUser(w.db.ctx, OWNER, { user: ana.upn, confirm: ana.upn });
    expect(purged).toMatchObject({ ok: true });
    expect(changesAsked(w.graph).at(-1)).toBe(`DELETE /directory/deletedItems/${ana.externalId} 204`);
    expect(tenantUser().purgedSeq).not.toBeNull();
    expect(await w.db.db.selectFrom('DirectoryUser').select('id').where('id', '=', ana.id).executeTakeFirst()).toBeUndefined();
  });
});

describe('guests and buying on a connected organization', () => {
  it('invites a guest through the tenant: the guest it makes is the one Roster records', async () => {
    const invited = await inviteGuest(w.db.ctx, OWNER, { email: 'gus@fabrikam.com', displayName: 'Gus Guest' });
    expect(invited).toMatchObject({ ok: true, userPrincipalName: 'gus_fabrikam.com#EXT#@contoso.onmicrosoft.com' });
    expect(lastBody(w.graph, 'POST /invitations')).toMatchObject({ invitedUserEmailAddress: 'gus@fabrikam.com', invitedUserDisplayName: 'Gus Guest' });
    const guest = w.graph.tenant.find('gus_fabrikam.com#EXT#@contoso.onmicrosoft.com')!.user;
    expect(guest.userType).toBe('Guest');
    const row = await local(invited.ok ? invited.userId : '');
    expect(row).toMatchObject({ externalId: guest.id, userType: 'guest' });
  });

  it('buying licenses is not possible through Graph: /licenses buy says so and links to the admin center', async () => {
    expect(await buyLicenses(w.db.ctx, OWNER, { product: 'ENTERPRISEPACK', quantity: 3 })).toMatchObject({
      ok: false,
      code: 'unsupported',
      message: BUY_IN_THE_ADMIN_CENTER,
    });
    expect(BUY_IN_THE_ADMIN_CENTER).toContain('https://admin.microsoft.com/');
  });
});

describe('a change the tenant accepted while Roster changed meanwhile', () => {
  it('is refused by the rules decided again, and the mirror records what the tenant has', async () => {
    const uma = await makeUser(w.db.ctx, 'uma', { domain: 'contoso.com', slackUserId: 'U0UMA' });
    await w.db.db.insertInto('RoleAssignment').values({ userId: uma.id, role: 'user_admin', createdAt: new Date().toISOString() }).execute();
    // While the tenant blocks Ana, another Global admin makes her a Global admin in Roster: a User admin may not block one.
    w.graph.beforeChange(async () => {
      await w.db.db.insertInto('RoleAssignment').values({ userId: ana.id, role: 'global_admin', createdAt: new Date().toISOString() }).execute();
    });
    const blocked = await blockUser(w.db.ctx, { teamId: OWNER.teamId, slackUserId: 'U0UMA' }, { userId: ana.id });
    w.graph.beforeChange(null);
    expect(blocked).toMatchObject({ ok: false, code: 'forbidden' });
    expect(blocked.ok ? '' : blocked.message).toMatch(/^Microsoft 365 made the change, but Roster could not record it: Only a Global admin/);
    expect(tenantUser().user.accountEnabled).toBe(false);
    expect((await local(ana.id)).accountEnabled).toBe(0);
    expect(await w.db.db.selectFrom('AuditRecord').select('id').where('action', '=', 'user.block').execute()).toEqual([]);
  });
});

describe('the expiry sweep on a connected organization', () => {
  it('leaves its deleted users alone: the tenant removes them after 30 days, and the sync follows', async () => {
    await deleteUsers(w.db.ctx, OWNER, { userIds: [ana.id] });
    const longAgo = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await w.db.db.updateTable('DirectoryUser').set({ deletedAt: longAgo }).where('id', '=', ana.id).execute();
    const swept = await sweepExpired(w.db.ctx);
    expect(swept.purged).toEqual([]);
    expect(await w.db.db.selectFrom('DirectoryUser').select('id').where('id', '=', ana.id).executeTakeFirst()).toBeDefined();
    expect(tenantUser().purgedSeq).toBeNull();
  });
});
