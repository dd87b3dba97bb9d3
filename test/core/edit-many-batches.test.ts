import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignProduct } from '../../src/core/licenses/assign-product.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { EDIT_MANY_BATCH } from '../../src/core/users/edit-many-batch.js';
import { editManyUsers } from '../../src/core/users/edit-many.js';
import { deleteUsers } from '../../src/core/users/delete-users.js';
import { insertDirectoryUsersSkippingTaken, type NewDirectoryUser } from '../../src/store/directory-users.js';
import { tenantByTeam } from '../../src/store/organizations.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
/** Two and a half batches of users, and seats for one batch and a third: they run out inside the second batch. */
const USERS = EDIT_MANY_BATCH * 2 + EDIT_MANY_BATCH / 2;
const SEATS = EDIT_MANY_BATCH + Math.floor(EDIT_MANY_BATCH / 3);
/** A user with no usage location, in the first batch: the license rules refuse them, and only them. */
const NO_LOCATION = 5;

let db: TestDatabase;
const upn = (i: number) => `e${String(i).padStart(4, '0')}@contoso.onmicrosoft.com`;

beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: SEATS });
  const tenant = (await tenantByTeam(db.db, OWNER.teamId))!;
  const users: NewDirectoryUser[] = Array.from({ length: USERS }, (_, i) => ({
    tenantId: tenant.id,
    userPrincipalName: upn(i),
    alias: upn(i).split('@')[0]!,
    domain: 'contoso.onmicrosoft.com',
    displayName: `Edit ${i}`,
    profile: { firstName: 'Edit', lastName: String(i) },
    alternateEmail: null,
    usageLocation: i === NO_LOCATION ? null : 'NL',
    accountEnabled: true,
    slackUserId: null,
    passwordHash: 'hmac-sha256$test$test',
    forceChangePassword: true,
  }));
  await insertDirectoryUsersSkippingTaken(db.db, users, new Date());
});
afterEach(async () => db.destroy());

const allUsernames = () => Array.from({ length: USERS }, (_, i) => upn(i));
const salesAndBasic = { detailsPatch: { department: 'Sales' }, licenses: { mode: 'add' as const, products: [{ skuId: BASIC.skuId, disabledPlans: [] }] } };

async function departmentOf(i: number): Promise<string | null> {
  const row = await db.db.selectFrom('DirectoryUser').select('department').where('upnKey', '=', upn(i)).executeTakeFirst();
  return row?.department ?? null;
}

async function holdsBasic(i: number): Promise<boolean> {
  const row = await db.db
    .selectFrom('LicenseAssignment as a')
    .innerJoin('DirectoryUser as u', 'u.id', 'a.userId')
    .select('a.skuId')
    .where('u.upnKey', '=', upn(i))
    .where('a.skuId', '=', BASIC.skuId)
    .executeTakeFirst();
  return !!row;
}

describe('Edit many across batches', () => {
  it('when seats run out midway, the users before are changed, the ones after are reported and unchanged, and the ledger is exact', async () => {
    const result = await editManyUsers(db.ctx, OWNER, { usernames: allUsernames(), ...salesAndBasic });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // The user without a usage location is refused alone; the seats go to the next ones in order.
    const lastServed = SEATS; // users 0..SEATS are served, except NO_LOCATION
    const outcomes = result.rows.map((row) => row.outcome);
    expect(outcomes[NO_LOCATION]).toMatch(/usage location/i);
    for (let i = 0; i <= lastServed; i++) if (i !== NO_LOCATION) expect(outcomes[i], upn(i)).toBe('Done');
    for (let i = lastServed + 1; i < USERS; i++) expect(outcomes[i], upn(i)).toMatch(/No Microsoft 365 Business Basic licenses are left/);
    expect(result.rows.map((row) => row.userPrincipalName)).toEqual(allUsernames());
    expect(result.counts.done).toBe(SEATS);
    expect(result.counts.notDone.map((n) => n.count).sort((a, b) => a - b)).toEqual([1, USERS - SEATS - 1]);

    // Never half-changed: the refused users did not get the department either (it is written before the licenses).
    expect(await departmentOf(NO_LOCATION)).toBeNull();
    expect(await departmentOf(lastServed + 1)).toBeNull();
    expect(await departmentOf(USERS - 1)).toBeNull();
    expect(await departmentOf(0)).toBe('Sales');
    expect(await departmentOf(lastServed)).toBe('Sales');
    expect(await holdsBasic(lastServed)).toBe(true);
    expect(await holdsBasic(lastServed + 1)).toBe(false);
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('department', '=', 'Sales'))).toBe(SEATS);
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('mailbox', '=', 'active'))).toBe(SEATS);

    // Every changed user has their audit record naming the changed fields; nobody else has one.
    const audits = await db.db.selectFrom('AuditRecord').select(['targetUserId', 'changedFields']).where('action', '=', 'users.bulk_update').execute();
    expect(audits).toHaveLength(SEATS);
    expect(new Set(audits.map((a) => a.targetUserId)).size).toBe(SEATS);
    for (const audit of audits) expect(JSON.parse(audit.changedFields)).toEqual(['department', 'licenses']);

    const pool = await db.db.selectFrom('LicensePool').select(['total', 'assigned']).executeTakeFirstOrThrow();
    expect(pool).toEqual({ total: SEATS, assigned: SEATS });
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });

  it('a dry run reports each user and writes nothing', async () => {
    const result = await editManyUsers(db.ctx, OWNER, { usernames: allUsernames(), ...salesAndBasic }, { dryRun: true });
    expect(result.ok && result.dryRun).toBe(true);
    if (!result.ok) return;
    expect(result.rows).toHaveLength(USERS);
    expect(result.rows[NO_LOCATION]!.outcome).toMatch(/usage location/i);
    expect(result.rows[0]!.outcome).toBe('Done');
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('department', 'is not', null))).toBe(0);
    expect(await countRows(db.db, 'LicenseAssignment')).toBe(0);
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'users.bulk_update'))).toBe(0);
    expect(await db.db.selectFrom('LicensePool').select('assigned').executeTakeFirstOrThrow()).toEqual({ assigned: 0 });
  });

  it('racing single assigns and deletes between its batches, it never over-assigns, never half-changes a user, and the ledger stays exact', async () => {
    const progress: number[] = [];
    const single = (i: number) => assignProduct(db.ctx, OWNER, { product: BASIC.partNumber, users: { usernames: [upn(i)] } });
    // The others are queued behind the run's first batch, and so land between its batches.
    const [edited, ...others] = await Promise.all([
      editManyUsers(db.ctx, OWNER, { usernames: allUsernames(), ...salesAndBasic }, { onProgress: (done) => progress.push(done) }),
      single(USERS - 1),
      deleteUsers(db.ctx, OWNER, { usernames: [upn(USERS - 2), upn(EDIT_MANY_BATCH + 1)] }),
      single(USERS - 3),
      single(1),
    ]);
    expect(progress).toEqual([EDIT_MANY_BATCH, EDIT_MANY_BATCH * 2]);
    expect(others.every((r) => r.ok)).toBe(true);
    expect(edited.ok).toBe(true);
    if (!edited.ok) return;
    for (const [i, row] of edited.rows.entries()) {
      const department = await departmentOf(i);
      if (row.outcome === 'Done') {
        expect(department, upn(i)).toBe('Sales');
        expect(await holdsBasic(i), upn(i)).toBe(true);
      } else {
        expect(department, `${upn(i)}: ${row.outcome}`).toBeNull();
      }
    }
    // Deleted before its batch (or before the run read the usernames): reported, not changed.
    expect(edited.rows[EDIT_MANY_BATCH + 1]!.outcome).toMatch(/no longer exists|No user with this username/);
    expect(edited.rows[USERS - 2]!.outcome).toMatch(/no longer exists|No user with this username/);
    const pool = await db.db.selectFrom('LicensePool').select(['total', 'assigned']).executeTakeFirstOrThrow();
    expect(pool.assigned).toBe(pool.total); // more users wanted seats than there were: every one was taken
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });
});
