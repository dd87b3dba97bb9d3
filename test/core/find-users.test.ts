import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUsers } from '../../src/core/users/find-users.js';
import { inTransaction } from '../../src/store/database.js';
import { insertDirectoryUser } from '../../src/store/directory-users.js';
import { backfillSearchTerms, reindexUser, searchUserIds, userMatches } from '../../src/store/user-search.js';
import { generateDirectory, seededRandom, type GeneratedUser } from '../support/generate-directory.js';
import { countRows, createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';
import { softDeleteUser } from '../../src/store/user-lifecycle.js';
import { describeOnEachDatabase } from '../support/databases.js';

describeOnEachDatabase('find users', (kind) => {
  let db: TestDatabase;
  let tenantId: string;
  let users: GeneratedUser[];
  const NOW = new Date('2026-12-02T10:00:00Z');

  async function addUser(displayName: string, alias: string) {
    return inTransaction(db.db, (tx) =>
      insertDirectoryUser(
        tx,
        {
          tenantId,
          userPrincipalName: `${alias}@contoso.com`,
          alias,
          domain: 'contoso.com',
          displayName,
          profile: {},
          alternateEmail: null,
          usageLocation: null,
          accountEnabled: true,
          slackUserId: null,
          passwordHash: 'x',
          forceChangePassword: true,
        },
        [],
        NOW,
      ),
    );
  }

  beforeAll(async () => {
    db = await createTestDatabase(() => NOW, { kind });
    tenantId = (await seedTenant(db.ctx)).tenantId;
    users = await generateDirectory(db.db, tenantId, 1500, { seed: 11 });
  }, 60_000);
  afterAll(async () => db.destroy());

  async function find(text: string, limit = 100) {
    const result = await findUsers(db.ctx, OWNER, text, limit);
    if (!result.ok) throw new Error(result.message);
    return result.users;
  }

  describe('findUsers on the word-start index', () => {
    it('finds by the start of any word of the display name, the username or the alias, accents and case ignored', async () => {
      const jones = await addUser('Zed Smith-Jones', 'zsj');
      const jose = await addUser('José Ångström', 'jose.angstrom');
      expect((await find('zed JONES')).map((u) => u.id)).toContain(jones);
      expect((await find('smith-j ze')).map((u) => u.id)).toContain(jones);
      expect((await find('ang')).map((u) => u.id)).toContain(jose);
      expect((await find('Ångs')).map((u) => u.id)).toContain(jose);
      expect((await find('jose.ang')).map((u) => u.id)).toContain(jose);
      expect((await find('zsj@contoso.com')).map((u) => u.id)).toEqual([jones]);
      expect(await find('   ')).toEqual([]);
    });

    it('ranks the exact username first, then by display name', async () => {
      const exact = await addUser('Zz Last By Name', 'liam');
      const found = await find('liam', 30);
      expect(found[0]!.id).toBe(exact);
      const rest = found.slice(1).map((u) => u.displayName);
      expect(rest).toEqual([...rest].sort());
      expect(rest.length).toBe(29);
    });

    it('every word typed must start a word; agrees with a plain filter of the generated users', async () => {
      const random = seededRandom(3);
      const queries = ['an', 'de v', 'müller', 'o', "o'b", 'sofia', 'jan', 'chen lee', 'smith', 'nguyen.'];
      for (let i = 0; i < 10; i++) queries.push(users[Math.floor(random() * users.length)]!.displayName.split(' ')[0]!.slice(0, 3));
      for (const query of queries) {
        const want = users
          .filter((u) => !u.deleted)
          .filter((u) =>
            userMatches({ upnKey: u.userPrincipalName.toLowerCase(), aliasKey: u.userPrincipalName.split('@')[0]!, displayName: u.displayName }, query),
          )
          .map((u) => u.id)
          .sort();
        const got = (await find(query, 100)).map((u) => u.id).filter((id) => users.some((u) => u.id === id));
        if (want.length <= 90) expect([...got].sort(), query).toEqual(want);
        else expect(got.length, query).toBeGreaterThanOrEqual(90);
      }
    });

    it('ranks several words the same whether the rarest word probes the others per user or reads their ranges', async () => {
      for (const query of ['de v', 'chen lee', 'zed s', 'zed smith-j', 'ana sm', 'a e', 'o b', 'mia. a']) {
        for (const limit of [5, 100]) {
          const lists = await searchUserIds(db.db, tenantId, query, limit, { probeBelow: 0 });
          const probes = await searchUserIds(db.db, tenantId, query, limit, { probeBelow: Number.MAX_SAFE_INTEGER });
          expect(probes, `${query} / ${limit}`).toEqual(lists);
        }
      }
    });

    it('ranks the same when the first bounded read is too short and it groups instead', async () => {
      for (const query of ['a', 'an', 'o', 'smi', 'liam', 'de v', 'smith-jones', 'zz', 'mia.', 'chen lee']) {
        for (const limit of [5, 20, 100]) {
          const bounded = await searchUserIds(db.db, tenantId, query, limit);
          const grouped = await searchUserIds(db.db, tenantId, query, limit, { termsPerUser: 1 });
          expect(grouped, `${query} / ${limit}`).toEqual(bounded);
        }
      }
    });

    it('forgets deleted users, follows a rename after reindexUser, and backfills users without terms', async () => {
      const id = await addUser('Quentin Quill', 'qq');
      expect((await find('quill')).map((u) => u.id)).toEqual([id]);
      await db.db.updateTable('DirectoryUser').set({ displayName: 'Quentin Feather' }).where('id', '=', id).execute();
      await reindexUser(db.db, id);
      expect(await find('quill')).toEqual([]);
      expect((await find('feath')).map((u) => u.id)).toEqual([id]);
      await db.db.deleteFrom('UserSearchTerm').where('userId', '=', id).execute();
      expect(await find('feath')).toEqual([]);
      expect(await backfillSearchTerms(db.db)).toBe(1);
      expect((await find('feath')).map((u) => u.id)).toEqual([id]);
      await softDeleteUser(db.db, id, [], NOW);
      expect(await find('feath')).toEqual([]);
      await reindexUser(db.db, id);
      expect(await countRows(db.db, 'UserSearchTerm', (q) => q.where('userId', '=', id))).toBe(0);
    });
  });
});
