import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUser } from '../../src/core/users/add-user.js';
import { BASIC, E3 } from '../lifecycle/helpers.js';
import { countRows, OWNER } from '../support/test-db.js';
import { changesAsked, connectedWorld, lastBody, type ConnectedWorld } from './tenant-support.js';

let w: ConnectedWorld;
beforeEach(async () => {
  w = await connectedWorld();
});
afterEach(async () => w.close());

const mirrored = (upn: string) => w.db.db.selectFrom('DirectoryUser').selectAll().where('upnKey', '=', upn.toLowerCase()).executeTakeFirst();
const input = (alias: string, extra: Record<string, unknown> = {}) => ({
  firstName: 'Nia',
  lastName: 'Noor',
  displayName: 'Nia Noor',
  alias,
  domain: 'contoso.com',
  password: { mode: 'auto' as const },
  usageLocation: 'NL',
  jobTitle: 'Buyer',
  ...extra,
});

describe('Add user on a connected organization', () => {
  it('creates the user in the tenant with its usage location, then gives the license; the mirror records them after the tenant accepted', async () => {
    const before = w.graph.calls().length;
    const added = await addUser(w.db.ctx, OWNER, input('nia', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }));
    expect(added.ok, added.ok ? '' : added.message).toBe(true);
    if (!added.ok) return;
    const inTenant = w.graph.tenant.find('nia@contoso.com')!.user;
    expect(changesAsked(w.graph, before)).toEqual(['POST /users 201', `POST /users/${inTenant.id}/assignLicense 200`]);
    expect(lastBody(w.graph, 'POST /users')).toMatchObject({
      accountEnabled: true,
      displayName: 'Nia Noor',
      mailNickname: 'nia',
      userPrincipalName: 'nia@contoso.com',
      usageLocation: 'NL',
      givenName: 'Nia',
      surname: 'Noor',
      jobTitle: 'Buyer',
      passwordProfile: { password: added.notice!.temporaryPassword, forceChangePasswordNextSignIn: true },
    });
    expect(inTenant.assignedLicenses).toEqual([{ skuId: BASIC.skuId, disabledPlans: [] }]);
    const local = await mirrored('nia@contoso.com');
    expect(local).toMatchObject({ id: added.userId, externalId: inTenant.id, usageLocation: 'NL', displayName: 'Nia Noor' });
    expect(local?.mirroredAt).not.toBeNull();
    expect(await countRows(w.db.db, 'LicenseAssignment', (q) => q.where('userId', '=', added.userId))).toBe(1);
    expect(await countRows(w.db.db, 'AuditRecord', (q) => q.where('action', '=', 'user.create').where('targetUserId', '=', added.userId))).toBe(1);
  });

  it('a rehearsal (the review step) sends nothing to the tenant', async () => {
    const before = w.graph.calls().length;
    const rehearsed = await addUser(w.db.ctx, OWNER, input('rey'), { dryRun: true });
    expect(rehearsed).toMatchObject({ ok: true, dryRun: true });
    expect(changesAsked(w.graph, before)).toEqual([]);
    expect(await mirrored('rey@contoso.com')).toBeUndefined();
  });

  it('a username taken in the tenant since the last sync is refused on the username, in the tenant words; nothing is written', async () => {
    w.graph.tenant.addUser({ userPrincipalName: 'kai@contoso.com', displayName: 'Kai from the admin center' });
    const added = await addUser(w.db.ctx, OWNER, input('kai'));
    expect(added).toMatchObject({ ok: false, code: 'conflict', fields: [{ field: 'alias' }] });
    expect(added.ok ? '' : added.message).toContain('kai@contoso.com is already used in Contoso Ltd');
    expect(await mirrored('kai@contoso.com')).toBeUndefined();
  });

  it('a license the tenant refuses (no seat left there) undoes the new user in the tenant too: nothing half-made', async () => {
    // The tenant's seats were all taken in the admin center since the last sync: Roster still counts 5 free.
    for (let i = 1; i <= 5; i++)
      w.graph.tenant.addUser({ userPrincipalName: `e3-${i}@contoso.com`, assignedLicenses: [{ skuId: E3.skuId, disabledPlans: [] }] });
    const before = w.graph.calls().length;
    const added = await addUser(w.db.ctx, OWNER, input('lou', { licenses: [{ skuId: E3.skuId, disabledPlans: [] }] }));
    expect(added).toMatchObject({ ok: false, code: 'no_seats', fields: [{ field: 'licenses' }] });
    expect(added.ok ? '' : added.message).toContain('No Office 365 E3 licenses are left in Contoso Ltd');
    const id = (lastBody(w.graph, 'POST /users') as { userPrincipalName: string }).userPrincipalName;
    expect(id).toBe('lou@contoso.com');
    expect(changesAsked(w.graph, before).map((c) => c.replace(/[0-9a-f-]{36}/, 'ID'))).toEqual([
      'POST /users 201',
      'POST /users/ID/assignLicense 400',
      'DELETE /users/ID 204',
      'DELETE /directory/deletedItems/ID 204',
    ]);
    expect(w.graph.tenant.find('lou@contoso.com')).toBeUndefined();
    expect(await mirrored('lou@contoso.com')).toBeUndefined();
  });
});

describe('a new user Graph does not show yet', () => {
  it('gets their license once visible: the request is tried again after short waits', async () => {
    const slow = await connectedWorld({ sleepForReal: true });
    try {
      slow.graph.setVisibilityDelay(400);
      slow.waits.length = 0;
      const added = await addUser(slow.db.ctx, OWNER, input('vic', { licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }));
      expect(added.ok, added.ok ? '' : added.message).toBe(true);
      expect(slow.waits.length).toBeGreaterThan(0);
      expect(slow.waits.every((ms) => ms <= 4000)).toBe(true);
      expect(slow.graph.tenant.find('vic@contoso.com')?.user.assignedLicenses).toEqual([{ skuId: BASIC.skuId, disabledPlans: [] }]);
      expect(changesAsked(slow.graph).filter((c) => c.includes('assignLicense 404')).length).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });
});
