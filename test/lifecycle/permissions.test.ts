import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/context.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { assignProduct } from '../../src/core/licenses/assign-product.js';
import { unassignProduct } from '../../src/core/licenses/unassign-product.js';
import { changeQuantity } from '../../src/core/licenses/change-quantity.js';
import { productUsers } from '../../src/core/licenses/product-users.js';
import { recordSelfService, takeOverSubscription } from '../../src/core/licenses/take-over-subscription.js';
import { deleteUsers, previewDeleteUsers } from '../../src/core/users/delete-users.js';
import { listDeletedUsers, restoreUser } from '../../src/core/users/restore-user.js';
import { setUserLicenses, userLicenseChoices } from '../../src/core/licenses/set-user-licenses.js';
import { inviteGuest } from '../../src/core/users/invite-guest.js';
import { hasPermission, roleLabels, rolesGranting, type Permission, type Role } from '../../src/core/roles.js';
import { createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { BASIC } from './helpers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 });
});
afterAll(async () => db.destroy());

const ROLE_CASES: [string, Role[]][] = [
  ['Global admin', ['global_admin']],
  ['User admin', ['user_admin']],
  ['License admin', ['license_admin']],
  ['Billing admin', ['billing_admin']],
  ['Helpdesk admin', ['helpdesk_admin']],
  ['no role', []],
];

// Every action built for this issue, with the permission it needs. Dry runs: the check is the point.
const ACTIONS: [string, Permission, (actor: Actor) => Promise<{ ok: boolean; code?: string; message?: string }>][] = [
  ['preview a delete', 'delete_users', (a) => previewDeleteUsers(db.ctx, a, { usernames: ['nobody'] })],
  ['delete users', 'delete_users', (a) => deleteUsers(db.ctx, a, { usernames: ['nobody'] }, { dryRun: true })],
  ['restore a user', 'delete_users', (a) => restoreUser(db.ctx, a, { user: 'nobody', dryRun: true })],
  ['list deleted users', 'read', (a) => listDeletedUsers(db.ctx, a)],
  ['invite a guest', 'create_users', (a) => inviteGuest(db.ctx, a, { email: 'x@fabrikam.com', dryRun: true })],
  ['assign a product', 'assign_licenses', (a) => assignProduct(db.ctx, a, { product: BASIC.partNumber, users: { usernames: ['nobody'] }, dryRun: true })],
  ['unassign a product', 'assign_licenses', (a) => unassignProduct(db.ctx, a, { product: BASIC.partNumber, users: { usernames: ['nobody'] }, dryRun: true })],
  ["see a product's users", 'read', (a) => productUsers(db.ctx, a, BASIC.partNumber)],
  ['change a quantity', 'buy_licenses', (a) => changeQuantity(db.ctx, a, { product: BASIC.partNumber, quantity: 6, dryRun: true })],
  ['record a self-service subscription', 'buy_licenses', (a) => recordSelfService(db.ctx, a, { product: BASIC.partNumber, quantity: 1, dryRun: true })],
  ["open a user's licenses", 'assign_licenses', (a) => userLicenseChoices(db.ctx, a, 'no-such-user')],
  ["set a user's licenses", 'assign_licenses', (a) => setUserLicenses(db.ctx, a, 'no-such-user', [])],
  ['take over a subscription', 'take_over_subscriptions', (a) => takeOverSubscription(db.ctx, a, { product: BASIC.partNumber, dryRun: true })],
];

describe.each(ROLE_CASES)('as %s', (_label, roles) => {
  const actor: Actor = roles.length ? { teamId: TEAM, operator: 'ops', roles } : { teamId: TEAM, slackUserId: 'U0NOROLE' };
  it.each(ACTIONS)('%s: allowed exactly when a role grants %s, else refused naming the roles needed', async (_action, permission, run) => {
    const result = await run(actor);
    if (hasPermission(roles, permission)) {
      expect(result.code).not.toBe('forbidden');
    } else {
      expect(result.ok).toBe(false);
      expect(result.code).toBe('forbidden');
      expect(result.message).toContain(`you need one of these roles: ${roleLabels(rolesGranting(permission))}`);
    }
  });
});
