import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/context.js';
import type { Result } from '../../src/core/result.js';
import type { Role } from '../../src/core/roles.js';
import { blockUser, unblockUser } from '../../src/core/users/block-user.js';
import { deleteUsers, previewDeleteUsers } from '../../src/core/users/delete-users.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { editManyUsers } from '../../src/core/users/edit-many.js';
import { markUserSynced } from '../../src/core/users/mark-synced.js';
import { resetPassword } from '../../src/core/users/reset-password.js';
import { deletedUserToRestore, restoreUser } from '../../src/core/users/restore-user.js';
import { updateUserFields } from '../../src/store/user-edits.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { ACTORS, makeRoleHolders, makeUser } from './user-admin-fixture.js';

/*
 * Who may act on whom (docs/domain.md "Admin roles"), for every action on an existing or a deleted
 * user, across the whole role matrix. The expectation is written out here, not computed by the code
 * under test: a Global admin acts on anyone; a User admin on anyone but a Global admin; a Helpdesk
 * admin (who may only block, unblock and reset) on users with no admin role.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await makeRoleHolders(db.ctx);
});
afterAll(async () => db.destroy());

type ActorRole = Role | 'none';
type Outcome = Result<object>;

/** The roles that may do each action at all (the permission table). */
const MAY: Record<string, ActorRole[]> = {
  'edit details': ['global_admin', 'user_admin'],
  'edit username': ['global_admin', 'user_admin'],
  block: ['global_admin', 'user_admin', 'helpdesk_admin'],
  unblock: ['global_admin', 'user_admin', 'helpdesk_admin'],
  'reset password': ['global_admin', 'user_admin', 'helpdesk_admin'],
  'mark synced': ['global_admin', 'user_admin'],
  'edit many': ['global_admin', 'user_admin'],
  'preview a delete': ['global_admin', 'user_admin'],
  delete: ['global_admin', 'user_admin'],
  'open the restore form': ['global_admin', 'user_admin'],
  restore: ['global_admin', 'user_admin'],
};

/** Whether an actor holding `actor` may act on a user holding `target` (given the action is theirs at all). */
function mayActOn(actor: ActorRole, target: Role[]): boolean {
  if (actor === 'global_admin') return true;
  if (actor === 'user_admin') return !target.includes('global_admin');
  return target.length === 0;
}

let counter = 0;
const deleted = async (id: string) => {
  const done = await deleteUsers(db.ctx, OWNER, { userIds: [id] });
  if (!done.ok || done.deleted.length !== 1) throw new Error(`could not delete ${id}: ${JSON.stringify(done)}`);
  return id;
};

/** Each action, run by `actor` on a fresh user holding `roles`; the user is deleted first for the restore actions. */
const ACTIONS: Record<string, (actor: Actor, roles: Role[]) => Promise<Outcome>> = {
  'edit details': async (a, roles) => editUser(db.ctx, a, { userId: await target(roles) }, { detailsPatch: { department: 'Sales' } }),
  'edit username': async (a, roles) =>
    editUser(db.ctx, a, { userId: await target(roles) }, { username: { alias: `renamed${++counter}`, domain: 'contoso.onmicrosoft.com' } }),
  block: async (a, roles) => blockUser(db.ctx, a, { userId: await target(roles) }),
  unblock: async (a, roles) => {
    const id = await target(roles);
    await updateUserFields(db.db, id, { accountEnabled: false }, new Date());
    return unblockUser(db.ctx, a, { userId: id });
  },
  'reset password': async (a, roles) => resetPassword(db.ctx, a, { userId: await target(roles) }, { password: { mode: 'auto' } }),
  'mark synced': async (a, roles) => markUserSynced(db.ctx, a, { userId: await target(roles) }),
  'edit many': async (a, roles) => {
    const result = await editManyUsers(db.ctx, a, { userIds: [await target(roles)], detailsPatch: { department: 'Ops' }, licenses: { mode: 'keep' } });
    return result.ok && result.counts.done !== 1 ? { ok: false, code: 'forbidden', message: result.rows[0]!.outcome } : result;
  },
  'preview a delete': async (a, roles) => {
    const result = await previewDeleteUsers(db.ctx, a, { userIds: [await target(roles)] });
    return result.ok && result.users.length !== 1 ? { ok: false, code: 'forbidden', message: result.refused[0]!.reason } : result;
  },
  delete: async (a, roles) => {
    const result = await deleteUsers(db.ctx, a, { userIds: [await target(roles)] });
    return result.ok && result.deleted.length !== 1 ? { ok: false, code: 'forbidden', message: result.notDeleted[0]!.reason } : result;
  },
  'open the restore form': async (a, roles) => {
    const id = await deleted(await target(roles));
    const upn = (await db.db.selectFrom('DirectoryUser').select('userPrincipalName').where('id', '=', id).executeTakeFirstOrThrow()).userPrincipalName;
    return deletedUserToRestore(db.ctx, a, upn);
  },
  restore: async (a, roles) => restoreUser(db.ctx, a, { user: await deleted(await target(roles)), byId: true }),
};

async function target(roles: Role[]): Promise<string> {
  const alias = `target${++counter}`;
  return makeUser(db.ctx, alias, roles.length ? { roles, alternateEmail: `${alias}@example.com` } : {});
}

const TARGETS: [string, Role[]][] = [
  ['a Global admin', ['global_admin']],
  ['a User admin', ['user_admin']],
  ['a Helpdesk admin', ['helpdesk_admin']],
  ['a Billing admin', ['billing_admin']],
  ['a user with no admin role', []],
];
const ACTOR_ROLES = Object.keys(ACTORS) as ActorRole[];

describe.each(Object.keys(ACTIONS))('%s', (action) => {
  describe.each(TARGETS)('on %s', (_label, targetRoles) => {
    it.each(ACTOR_ROLES)('by %s', async (actorRole) => {
      const allowed = MAY[action]!.includes(actorRole) && mayActOn(actorRole, targetRoles);
      const result = await ACTIONS[action]!(ACTORS[actorRole], targetRoles);
      if (allowed) expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      else {
        expect(result.ok, JSON.stringify(result)).toBe(false);
        // Refused for who they are or whom they act on: never for anything else (such as a missing user).
        const text = result.ok ? '' : `${result.message} ${(result.fields ?? []).map((f) => f.message).join(' ')}`;
        expect(text).toMatch(/you need one of these roles|Only a Global admin/);
      }
    });
  });
});

describe('a User admin restoring a deleted Global admin', () => {
  it('is refused, and the Global admin stays deleted with their password hash and Slack link untouched', async () => {
    const alias = `gina${++counter}`;
    const gina = await makeUser(db.ctx, alias, { roles: ['global_admin'], alternateEmail: 'gina@example.com', slackUserId: 'U0GINA' });
    await deleted(gina);
    const before = await db.db
      .selectFrom('DirectoryUser')
      .select(['passwordHash', 'slackUserId', 'deletedAt'])
      .where('id', '=', gina)
      .executeTakeFirstOrThrow();
    const result = await restoreUser(db.ctx, ACTORS.user_admin, { user: `${alias}@contoso.onmicrosoft.com` });
    expect(result).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringMatching(/Only a Global admin can do this to a Global admin/) });
    const after = await db.db.selectFrom('DirectoryUser').select(['passwordHash', 'slackUserId', 'deletedAt']).where('id', '=', gina).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });
});
