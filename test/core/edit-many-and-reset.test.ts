import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { editManyResultsCsv, editManyUsers, parseUsernameList } from '../../src/core/users/edit-many.js';
import { resetPassword } from '../../src/core/users/reset-password.js';
import { markUserSynced } from '../../src/core/users/mark-synced.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { makeUser } from './user-admin-fixture.js';

let db: TestDatabase;
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const STANDARD = productByPartNumber('O365_BUSINESS_PREMIUM')!;
beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
});
afterEach(async () => db.destroy());

describe('editManyUsers', () => {
  it('adds a product until seats run out; the rest are reported and left entirely unchanged', async () => {
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 2 });
    const names = ['a1', 'a2', 'a3', 'a4'];
    for (const alias of names) await makeUser(db.ctx, alias, { usageLocation: 'NL' });
    const result = await editManyUsers(db.ctx, OWNER, {
      usernames: [...names.map((n) => `${n}@contoso.onmicrosoft.com`), 'ghost@contoso.onmicrosoft.com'],
      detailsPatch: { department: 'Sales' },
      licenses: { mode: 'add', products: [{ skuId: BASIC.skuId, disabledPlans: [] }] },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.counts.done).toBe(2);
    expect(result.counts.notDone).toEqual([
      { reason: expect.stringMatching(/No Microsoft 365 Business Basic licenses are left/), count: 2 },
      { reason: 'No user with this username.', count: 1 },
    ]);
    // Never half-changed: the users who got no seat did not get the department either.
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('department', '=', 'Sales'))).toBe(2);
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'users.bulk_update'))).toBe(2);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
    const csv = (await editManyResultsCsv(result)).toString('utf8');
    expect(csv.startsWith('\uFEFFUsername,Outcome\r\na1@contoso.onmicrosoft.com,Done\r\n')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(6);
  });

  it('replaces current licenses with the chosen products, and keeps them when asked to', async () => {
    await buyLicenses(db.ctx, OWNER, { product: BASIC.partNumber, quantity: 2 });
    await buyLicenses(db.ctx, OWNER, { product: STANDARD.partNumber, quantity: 2 });
    const id = await makeUser(db.ctx, 'ana', { usageLocation: 'NL', licenses: [{ skuId: BASIC.skuId, disabledPlans: [] }] });
    const kept = await editManyUsers(db.ctx, OWNER, { userIds: [id], signInAllowed: false, licenses: { mode: 'keep' } });
    expect(kept.ok && kept.counts.done).toBe(1);
    const replaced = await editManyUsers(db.ctx, OWNER, {
      userIds: [id],
      licenses: { mode: 'replace', products: [{ skuId: STANDARD.skuId, disabledPlans: [] }] },
    });
    expect(replaced.ok && replaced.counts.done).toBe(1);
    const held = await db.db.selectFrom('LicenseAssignment').select('skuId').where('userId', '=', id).execute();
    expect(held).toEqual([{ skuId: STANDARD.skuId }]);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });

  it('refuses an empty edit and splits pasted usernames on lines and commas', async () => {
    expect(await editManyUsers(db.ctx, OWNER, { usernames: ['a@b.c'], licenses: { mode: 'keep' } })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Nothing to change/),
    });
    expect(parseUsernameList('a@x.com, b@x.com\nc@x.com;;a@x.com\r\n')).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
  });
});

describe('resetPassword', () => {
  it('stores only a hash, audits the field name only, and refuses a weak chosen password on its field', async () => {
    const id = await makeUser(db.ctx, 'ana');
    const weak = await resetPassword(db.ctx, OWNER, { userId: id }, { password: { mode: 'custom', value: 'password' } });
    expect(weak).toMatchObject({ ok: false, fields: [{ field: 'password', message: expect.stringMatching(/too weak/) }] });
    const chosen = 'Correct-Horse-42';
    const done = await resetPassword(
      db.ctx,
      OWNER,
      { userId: id },
      { password: { mode: 'custom', value: chosen }, requirePasswordChange: false, credentialRecipients: ['U0HR'] },
    );
    expect(done).toMatchObject({
      ok: true,
      credentialRecipients: ['U0HR'],
      notice: { userPrincipalName: 'ana@contoso.onmicrosoft.com', temporaryPassword: chosen, mustChangeAtNextSignIn: false },
    });
    const row = await db.db.selectFrom('DirectoryUser').select(['passwordHash', 'forceChangePassword']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.passwordHash.startsWith('scrypt$')).toBe(true);
    expect(row.forceChangePassword).toBe(0);
    expect(await verifyPassword(chosen, row.passwordHash)).toBe(true);
    const audit = await db.db.selectFrom('AuditRecord').selectAll().where('action', '=', 'user.password_reset').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.changedFields)).toEqual(['password', 'forceChangePassword']);
    expect(JSON.stringify(await db.db.selectFrom('AuditRecord').selectAll().execute())).not.toContain(chosen);
    const generated = await resetPassword(db.ctx, OWNER, { userId: id }, { password: { mode: 'auto' } }, { dryRun: true });
    expect(generated.ok && generated.dryRun).toBe(true);
    expect(
      await verifyPassword(
        chosen,
        (await db.db.selectFrom('DirectoryUser').select('passwordHash').where('id', '=', id).executeTakeFirstOrThrow()).passwordHash,
      ),
    ).toBe(true);
  });

  it('refuses the password of a synced user', async () => {
    const id = await makeUser(db.ctx, 'ana');
    expect(await markUserSynced(db.ctx, OWNER, { username: 'ana' })).toMatchObject({ ok: true, changed: true });
    expect(await resetPassword(db.ctx, OWNER, { userId: id }, { password: { mode: 'auto' } })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/on-premises/),
    });
  });
});
