import { afterAll, beforeAll, expect, it } from 'vitest';
import { type NewDirectoryUser, insertDirectoryUsersSkippingTaken } from '../../src/store/directory-users.js';
import { inTransaction } from '../../src/store/database.js';
import { searchUserIds } from '../../src/store/user-search.js';
import { type Cursor, exportChunk, listUsersPage, profileValuesInUse } from '../../src/store/user-views.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { createTestDatabase, seedTenant, type TestDatabase } from '../support/test-db.js';

/**
 * Sorting by display name gives the same order on both databases: the byte order of the names'
 * UTF-8 (SQLite's BINARY; PostgreSQL's COLLATE "C" on every text column), then the id. Neither
 * folds case or accents, and neither follows a language's rules, whatever PostgreSQL's default
 * collation: "Zoe" sorts before "alice", "Émile" after "zoe", an emoji after a full-width letter.
 */
const NAMES = [
  'alice',
  'Alice',
  'ALICE',
  'Ålice',
  'álice',
  'a\u0301lice (combining accent)',
  'Zoë',
  'Zoe',
  'zoe',
  'Émile',
  'Emile',
  'emile',
  'ßtraße',
  'Straße',
  "O'Brien",
  'O Brien',
  'OBrien',
  'o-brien',
  '_under',
  '-dash',
  '10 Ten',
  '9 Nine',
  '日本 Tarō',
  '😀 Smile',
  '\uff21 full-width A',
  'İstanbul',
  'istanbul',
  'a',
  'a a',
  'aa',
  'Ab',
  'ab',
  'Ωmega',
  'ωmega',
  'Łukasz',
  'Lukasz',
  'Same Name',
  'Same Name',
  'Same Name',
];

const bytes = (text: string) => Buffer.from(text, 'utf8');
const byNameThenId = (a: Cursor, b: Cursor) => Buffer.compare(bytes(a.displayName), bytes(b.displayName)) || Buffer.compare(bytes(a.id), bytes(b.id));

describeOnEachDatabase('sorting by display name', (kind) => {
  let db: TestDatabase;
  let tenantId: string;
  let expected: Cursor[];

  beforeAll(async () => {
    db = await createTestDatabase(() => new Date('2026-12-02T10:00:00Z'), { kind });
    tenantId = (await seedTenant(db.ctx)).tenantId;
    const users: NewDirectoryUser[] = NAMES.map((displayName, i) => ({
      tenantId,
      userPrincipalName: `crew.${i}@contoso.onmicrosoft.com`,
      alias: `crew.${i}`,
      domain: 'contoso.onmicrosoft.com',
      displayName,
      profile: { department: displayName },
      alternateEmail: null,
      usageLocation: null,
      accountEnabled: true,
      slackUserId: null,
      passwordHash: 'x',
      forceChangePassword: true,
    }));
    const ids = await inTransaction(db.db, (tx) => insertDirectoryUsersSkippingTaken(tx, users, new Date('2026-12-02T10:00:00Z')));
    expect(ids.size).toBe(NAMES.length);
    const owner = await db.db.selectFrom('DirectoryUser').select(['id', 'displayName']).where('displayName', '=', 'Olivia Owner').executeTakeFirstOrThrow();
    expected = [...[...ids.values()].map((id, i) => ({ id, displayName: NAMES[i]! })), owner].sort(byNameThenId);
  });
  afterAll(async () => db.destroy());

  it('a view pages through users in that order, forwards and backwards, three at a time', async () => {
    const forwards: Cursor[] = [];
    let after: Cursor | undefined;
    for (;;) {
      const page = await listUsersPage(db.db, tenantId, {}, { limit: 3, ...(after ? { after } : {}) });
      forwards.push(...page.rows);
      if (!page.hasNext) break;
      after = page.rows.at(-1);
    }
    expect(forwards.map(({ id, displayName }) => ({ id, displayName }))).toEqual(expected);
    const backwards: Cursor[] = [];
    let before: Cursor | undefined = { displayName: '\u{10ffff}', id: '' };
    while (before) {
      const page = await listUsersPage(db.db, tenantId, {}, { limit: 3, before });
      backwards.unshift(...page.rows);
      before = page.hasPrevious ? page.rows[0] : undefined;
    }
    expect(backwards.map(({ id, displayName }) => ({ id, displayName }))).toEqual(expected);
  });

  it('the export reads them in that order, chunk after chunk', async () => {
    const rows: Cursor[] = [];
    let after: Cursor | undefined;
    for (;;) {
      const chunk = await exportChunk(db.db, tenantId, {}, after, 4);
      if (chunk.length === 0) break;
      rows.push(...chunk.map(({ id, displayName }) => ({ id, displayName })));
      after = chunk.at(-1);
    }
    expect(rows).toEqual(expected);
  });

  it('search results that match equally come in that order, and profile values offered as typed are in byte order', async () => {
    const found = await searchUserIds(db.db, tenantId, 'crew', 100);
    expect(found).toEqual(expected.filter((user) => user.displayName !== 'Olivia Owner').map((user) => user.id));
    const departments = [...new Set(NAMES)].sort((a, b) => Buffer.compare(bytes(a), bytes(b)));
    expect(await profileValuesInUse(db.db, tenantId, 'department', '', 100)).toEqual(departments);
    expect(await profileValuesInUse(db.db, tenantId, 'department', 'AL', 100)).toEqual(['ALICE', 'Alice', 'alice']);
  });
});
