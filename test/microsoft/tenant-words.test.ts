import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setUserLicenses } from '../../src/core/licenses/set-user-licenses.js';
import { NO_USAGE_LOCATION } from '../../src/core/refusals.js';
import { inviteGuest } from '../../src/core/users/invite-guest.js';
import { BASIC, E3, makeUser } from '../lifecycle/helpers.js';
import { OWNER } from '../support/test-db.js';
import { connectedWorld, type ConnectedWorld } from './tenant-support.js';

/** Issue 16 item 5: what the tenant refuses is said as the admin center says it, on the field it concerns. */
let w: ConnectedWorld;
let ana: { id: string; upn: string };
beforeEach(async () => {
  w = await connectedWorld();
  ana = await makeUser(w.db.ctx, 'ana', { domain: 'contoso.com' });
});
afterEach(async () => w.close());

const plan = (product: typeof E3, name: string) => product.plans.find((p) => p.name === name)!;

describe("the tenant's words", () => {
  it('usage location missing: the user lost it in the admin center since the last sync', async () => {
    w.graph.tenant.updateUser(ana.upn, { usageLocation: null });
    const given = await setUserLicenses(w.db.ctx, OWNER, ana.id, [{ skuId: BASIC.skuId, disabledPlans: [] }]);
    expect(given).toMatchObject({ ok: false, message: NO_USAGE_LOCATION, fields: [{ field: 'licenses', message: NO_USAGE_LOCATION }] });
  });

  it('mutually exclusive plans the tenant knows and Roster does not: named by their app names', async () => {
    const forms1 = plan(BASIC, 'FORMS_PLAN_E1');
    const forms3 = plan(E3, 'FORMS_PLAN_E3');
    w.graph.tenant.exclusivePlans.push([forms1.id, forms3.id]);
    // Exchange and SharePoint of E3 turned off, so that Roster's own rule lets the two products go together.
    const off = [plan(E3, 'EXCHANGE_S_ENTERPRISE').id, plan(E3, 'SHAREPOINTENTERPRISE').id];
    const both = await setUserLicenses(w.db.ctx, OWNER, ana.id, [
      { skuId: BASIC.skuId, disabledPlans: [] },
      { skuId: E3.skuId, disabledPlans: off },
    ]);
    expect(both).toMatchObject({ ok: false, fields: [{ field: 'licenses' }] });
    expect(both.ok ? '' : both.message).toMatch(/^Contoso Ltd refused: the .+ and .+ apps are mutually exclusive, so one user can't have both\./);
    expect((both.ok ? '' : both.message).toLowerCase()).toContain(forms1.displayName.toLowerCase());
    expect(w.graph.tenant.find(ana.upn)!.user.assignedLicenses).toEqual([]);
  });

  it('the app missing a permission is named, with where to grant it', async () => {
    // User.ReadWrite.All would allow invitations too; the least privileged permission is the one named.
    w.graph.setPermissions(w.app.clientId, ['User.Read.All', 'Organization.Read.All', 'Domain.Read.All']);
    const invited = await inviteGuest(w.db.ctx, OWNER, { email: 'gus@fabrikam.com' });
    expect(invited).toMatchObject({ ok: false, code: 'forbidden' });
    expect(invited.ok ? '' : invited.message).toContain('The app lacks the User.Invite.All permission (application) in Contoso Ltd');
  });
});
