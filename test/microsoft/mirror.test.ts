import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MirrorChange } from '../../src/domain/mirror.js';
import { inTransaction } from '../../src/store/database.js';
import { createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
let tenantId: string;
beforeEach(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  tenantId = (await db.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow()).id;
});
afterEach(async () => db.destroy());

const apply = (changes: MirrorChange[]) => inTransaction(db.db, (tx) => db.ctx.mirror.applyUsers(tx, tenantId, changes, new Date()));
const user = (externalId: string, userPrincipalName?: string, extra: object = {}): MirrorChange => ({
  kind: 'user',
  user: { externalId, ...(userPrincipalName ? { userPrincipalName, displayName: userPrincipalName.split('@')[0]! } : {}), ...extra },
});
const active = async () =>
  await db.db
    .selectFrom('DirectoryUser')
    .select(['externalId', 'userPrincipalName', 'upnKey', 'jobTitle'])
    .where('externalId', 'is not', null)
    .where('deletedAt', 'is', null)
    .orderBy('externalId')
    .execute();

describe('the mirror records what the tenant says', () => {
  it('two users who swapped usernames in the tenant both end with their new one, whatever the order they come in', async () => {
    await apply([user('a', 'ana@contoso.com'), user('b', 'bo@contoso.com')]);
    await apply([user('a', 'bo@contoso.com'), user('b', 'ana@contoso.com')]);
    expect(await active()).toEqual([
      { externalId: 'a', userPrincipalName: 'bo@contoso.com', upnKey: 'bo@contoso.com', jobTitle: null },
      { externalId: 'b', userPrincipalName: 'ana@contoso.com', upnKey: 'ana@contoso.com', jobTitle: null },
    ]);
    await apply([user('b', 'bo@contoso.com'), user('a', 'ana@contoso.com')]);
    expect((await active()).map((u) => [u.externalId, u.upnKey])).toEqual([
      ['a', 'ana@contoso.com'],
      ['b', 'bo@contoso.com'],
    ]);
  });

  it('a user named twice in a page is one user with both changes; a change to a user it does not know, without a username, makes nobody', async () => {
    const counts = await apply([
      user('c', 'cy@contoso.com'),
      user('c', undefined, { profile: { jobTitle: 'Buyer' } }),
      user('ghost', undefined, { profile: { jobTitle: 'Boo' } }),
    ]);
    expect(counts).toEqual({ added: 1, changed: 0, removed: 0 });
    expect(await active()).toEqual([{ externalId: 'c', userPrincipalName: 'cy@contoso.com', upnKey: 'cy@contoso.com', jobTitle: 'Buyer' }]);
  });
});
