import { addDays } from 'date-fns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryProvider } from '../../src/core/directory/directory-provider.js';
import { assignProduct } from '../../src/core/licenses/assign-product.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { unassignProduct } from '../../src/core/licenses/unassign-product.js';
import { addUser } from '../../src/core/users/add-user.js';
import { blockUser } from '../../src/core/users/block-user.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { editUser } from '../../src/core/users/edit-user.js';
import { inviteGuest } from '../../src/core/users/invite-guest.js';
import { markUserSynced } from '../../src/core/users/mark-synced.js';
import { sweepExpired } from '../../src/core/users/purge-deleted.js';
import { resetPassword } from '../../src/core/users/reset-password.js';
import { restoreUser } from '../../src/core/users/restore-user.js';
import { embeddedDirectory } from '../../src/directory/embedded-directory.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { BASIC } from '../lifecycle/helpers.js';

/** The embedded directory, recording which of its methods each change went through (and never a password in clear, but for the tenant). */
function recording(calls: string[]): DirectoryProvider {
  const inner = embeddedDirectory();
  return new Proxy(inner, {
    get(target, key: keyof DirectoryProvider) {
      const value = target[key];
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

let db: TestDatabase;
let clock = new Date('2026-12-04T10:00:00Z');
const calls: string[] = [];
beforeEach(async () => {
  clock = new Date('2026-12-04T10:00:00Z');
  calls.length = 0;
  db = await createTestDatabase(() => clock, { directory: recording(calls) });
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 5 });
});
afterEach(async () => db.destroy());

/** The calls `work` made through the directory. */
async function through(work: () => Promise<{ ok: boolean }>): Promise<string[]> {
  calls.length = 0;
  const result = await work();
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  return [...calls];
}

describe('every change to a user or a license goes through the directory provider', () => {
  it('add, edit, roles, block, reset, mark synced, licenses, delete, restore, purge and a guest', async () => {
    const base = { domain: 'contoso.onmicrosoft.com', password: { mode: 'auto' as const }, usageLocation: 'NL' };
    let id = '';
    expect(
      await through(async () => {
        const made = await addUser(db.ctx, OWNER, { ...base, alias: 'ana', displayName: 'Ana', licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
        if (made.ok) id = made.userId;
        return made;
      }),
    ).toEqual(['createUser', 'assignLicenses', 'setMailbox']);
    expect(await through(() => editUser(db.ctx, OWNER, { userId: id }, { detailsPatch: { department: 'Sales' } }))).toEqual(['updateUser']);
    expect(await through(() => editUser(db.ctx, OWNER, { userId: id }, { settings: { roles: ['helpdesk_admin'], alternateEmail: 'a@example.com' } }))).toEqual([
      'updateUser',
      'setRoles',
    ]);
    expect(await through(() => blockUser(db.ctx, OWNER, { userId: id }))).toEqual(['updateUser']);
    expect(await through(() => resetPassword(db.ctx, OWNER, { userId: id }, { password: { mode: 'auto' } }))).toEqual(['setPassword']);
    expect(await through(() => unassignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { ids: [id] } }))).toEqual([
      'unassignLicenses',
      'setMailbox',
    ]);
    expect(await through(() => assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { ids: [id] } }))).toEqual(['assignLicenses', 'setMailbox']);
    // Marked synced, their cloud password is cleared (they sign in on premises).
    expect(await through(() => markUserSynced(db.ctx, OWNER, { userId: id }))).toEqual(['setSource', 'setPassword']);
    // A synced user is deleted on premises: a cloud user again before the delete below.
    expect(await through(() => markUserSynced(db.ctx, OWNER, { userId: id }, { synced: false }))).toEqual(['setSource']);
    expect(await through(() => deleteUsers(db.ctx, OWNER, { userIds: [id] }))).toEqual(['unassignLicenses', 'deleteUser']);
    expect(await through(() => restoreUser(db.ctx, OWNER, { user: id, byId: true }))).toEqual(['restoreUser', 'assignLicenses']);
    await deleteUsers(db.ctx, OWNER, { userIds: [id] });
    clock = addDays(clock, 31);
    calls.length = 0;
    expect((await sweepExpired(db.ctx)).purged).toEqual(['ana@contoso.onmicrosoft.com']);
    expect(calls).toEqual(['purgeUser']);
    expect(await through(() => inviteGuest(db.ctx, OWNER, { email: 'kim@fabrikam.com' }))).toEqual(['createUser', 'markGuest']);
  });

  it('a dry run goes through it too, and leaves nothing behind', async () => {
    expect(
      await through(() => addUser(db.ctx, OWNER, { domain: 'contoso.onmicrosoft.com', password: { mode: 'auto' }, alias: 'bo', displayName: 'Bo' })),
    ).toEqual(['createUser']);
    const bo = await db.db.selectFrom('DirectoryUser').select('id').where('aliasKey', '=', 'bo').executeTakeFirstOrThrow();
    expect(await through(() => blockUser(db.ctx, OWNER, { userId: bo.id }, { dryRun: true }))).toEqual(['updateUser']);
    const row = await db.db.selectFrom('DirectoryUser').select('accountEnabled').where('id', '=', bo.id).executeTakeFirstOrThrow();
    expect(row.accountEnabled).toBe(1);
  });
});
