import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import type { Actor } from '../../src/core/context.js';
import type { Result } from '../../src/core/result.js';
import { roleLabels, rolesGranting, type Permission, type Role } from '../../src/core/roles.js';
import { blockUser, unblockUser } from '../../src/core/users/block-user.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { editManyUsers } from '../../src/core/users/edit-many.js';
import { markUserSynced } from '../../src/core/users/mark-synced.js';
import { resetPassword } from '../../src/core/users/reset-password.js';
import { updateUserFields } from '../../src/store/user-edits.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { ACTORS, makeRoleHolders, makeUser } from './user-admin-fixture.js';

let db: TestDatabase;
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 50 });
  await makeRoleHolders(db.ctx);
});
afterAll(async () => db.destroy());

type Outcome = Result<object>;
let counter = 0;

/** Every action this brief adds, run by `actor` on a fresh user with no admin role. */
const ACTIONS: Record<string, { permission: Permission; run: (actor: Actor, userId: string) => Promise<Outcome> }> = {
  'edit details': { permission: 'edit_users', run: (a, id) => editUser(db.ctx, a, { userId: id }, { detailsPatch: { department: 'Sales' } }) },
  'edit sign-in': { permission: 'edit_users', run: (a, id) => editUser(db.ctx, a, { userId: id }, { settings: { signInAllowed: false } }) },
  'edit username': {
    permission: 'edit_users',
    run: (a, id) => editUser(db.ctx, a, { userId: id }, { username: { alias: `renamed${++counter}`, domain: 'contoso.onmicrosoft.com' } }),
  },
  'give roles': {
    permission: 'assign_roles',
    run: (a, id) => editUser(db.ctx, a, { userId: id }, { settings: { roles: ['helpdesk_admin'], alternateEmail: 'x@example.com' } }),
  },
  'edit usage location': { permission: 'edit_usage_location', run: (a, id) => editUser(db.ctx, a, { userId: id }, { usageLocation: 'DE' }) },
  'edit licenses': {
    permission: 'assign_licenses',
    run: (a, id) => editUser(db.ctx, a, { userId: id }, { addLicenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] }),
  },
  block: { permission: 'block_users', run: (a, id) => blockUser(db.ctx, a, { userId: id }) },
  unblock: {
    permission: 'block_users',
    run: async (a, id) => {
      await updateUserFields(db.db, id, { accountEnabled: false }, new Date());
      return unblockUser(db.ctx, a, { userId: id });
    },
  },
  'reset password': { permission: 'reset_passwords', run: (a, id) => resetPassword(db.ctx, a, { userId: id }, { password: { mode: 'auto' } }) },
  'mark synced': { permission: 'edit_users', run: (a, id) => markUserSynced(db.ctx, a, { userId: id }) },
  'edit many': {
    permission: 'edit_users',
    run: async (a, id) => {
      const result = await editManyUsers(db.ctx, a, { userIds: [id], detailsPatch: { department: 'Ops' }, licenses: { mode: 'keep' } });
      // Edit many reports per user; a refusal of the whole run comes back as an error.
      return result.ok && result.counts.done !== 1 ? { ok: false, code: 'forbidden', message: result.rows[0]!.outcome } : result;
    },
  },
};

const ROLES_AND_NONE = Object.keys(ACTORS) as (Role | 'none')[];

describe('who may do what to a user with no admin role', () => {
  for (const [name, action] of Object.entries(ACTIONS)) {
    for (const role of ROLES_AND_NONE) {
      const allowed = role !== 'none' && rolesGranting(action.permission).includes(role);
      it(`${name} by ${role}: ${allowed ? 'allowed' : 'refused, naming the roles needed'}`, async () => {
        const target = await makeUser(db.ctx, `t${++counter}`, { usageLocation: 'NL' });
        const result = await action.run(ACTORS[role], target);
        if (allowed) {
          expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
        } else {
          expect(result.ok).toBe(false);
          const text = result.ok ? '' : `${result.message} ${(result.fields ?? []).map((f) => f.message).join(' ')}`;
          expect(text).toContain(`you need one of these roles: ${roleLabels(rolesGranting(action.permission))}`);
        }
      });
    }
  }
});

describe('who may act on whom', () => {
  it('a Helpdesk admin blocks and resets only users with no admin role; a User admin anyone but a Global admin', async () => {
    const admin = await makeUser(db.ctx, `admin${++counter}`, { roles: ['license_admin'], alternateEmail: 'a@example.com' });
    const global = await makeUser(db.ctx, `global${++counter}`, { roles: ['global_admin'], alternateEmail: 'g@example.com' });
    for (const run of [ACTIONS.block!.run, ACTIONS['reset password']!.run]) {
      expect(await run(ACTORS.helpdesk_admin, admin)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/Only a Global admin or a User admin can do this to an admin \(License admin\)/),
      });
      expect(await run(ACTORS.user_admin, global)).toMatchObject({ ok: false, message: 'Only a Global admin can do this to a Global admin.' });
    }
    const edit = await editUser(db.ctx, ACTORS.user_admin, { userId: global }, { detailsPatch: { department: 'X' } });
    expect(edit.ok ? '' : edit.fields?.[0]?.message).toBe('Only a Global admin can do this to a Global admin.');
    expect(await ACTIONS.block!.run(ACTORS.user_admin, admin)).toMatchObject({ ok: true });
  });

  it('nobody blocks themselves or the last Global admin who can sign in', async () => {
    expect(await blockUser(db.ctx, OWNER, { username: 'olivia' })).toMatchObject({ ok: false, message: expect.stringMatching(/can't block your own sign-in/) });
    expect(await blockUser(db.ctx, ACTORS.user_admin, { username: 'user-admin' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/can't block your own sign-in/),
    });
    // A command-line operator is no directory user: only the last-Global-admin rule stops them.
    const operator = { teamId: OWNER.teamId, operator: 'root', roles: ['global_admin' as const] };
    const others = await db.db
      .selectFrom('DirectoryUser as u')
      .innerJoin('RoleAssignment as r', 'r.userId', 'u.id')
      .select('u.id')
      .where('r.role', '=', 'global_admin')
      .where('u.slackUserId', 'is not', OWNER.slackUserId)
      .execute();
    for (const other of others) expect(await blockUser(db.ctx, operator, { userId: other.id })).toMatchObject({ ok: true });
    expect(await blockUser(db.ctx, operator, { username: 'olivia' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/last Global admin who can sign in/),
    });
    expect(await editUser(db.ctx, operator, { username: 'olivia' }, { settings: { roles: [] } })).toMatchObject({
      ok: false,
      fields: [{ field: 'roles', message: expect.stringMatching(/last Global admin/) }],
    });
  });
});
