import type { Db } from './database.js';
import { termsOf } from './user-search.js';

/** How far the search index is from the directory (all zero when they agree). */
export interface SearchIndexDifferences {
  /** Terms of users who are deleted or gone: they would find nobody, and keep personal data. */
  termsOfInactiveUsers: number;
  /** Active users whose terms are not exactly those of their display name and username. */
  usersIndexedWrongly: number;
}

const BATCH = 2000;

/**
 * Recomputes every active user's terms and compares them with the stored ones, and counts the
 * terms of users who are not active (`npm run roster -- check`). Reads a batch of users at a time,
 * so memory stays flat at any size.
 */
export async function searchIndexDifferences(db: Db): Promise<SearchIndexDifferences> {
  const orphans = await db
    .selectFrom('UserSearchTerm as t')
    .leftJoin('DirectoryUser as u', 'u.id', 't.userId')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb('u.id', 'is', null), eb('u.deletedAt', 'is not', null)]))
    .executeTakeFirstOrThrow();
  let wrong = 0;
  let after = '';
  for (;;) {
    const users = await db
      .selectFrom('DirectoryUser')
      .select(['id', 'tenantId', 'aliasKey', 'displayName'])
      .where('deletedAt', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (users.length === 0) break;
    after = users.at(-1)!.id;
    const stored = await db
      .selectFrom('UserSearchTerm')
      .select(['userId', 'tenantId', 'term', 'displayName'])
      .where(
        'userId',
        'in',
        users.map((u) => u.id),
      )
      .execute();
    const byUser = new Map<string, string[]>();
    for (const row of stored) {
      const key = `${row.tenantId}\n${row.term}\n${row.displayName}`;
      const list = byUser.get(row.userId);
      if (list) list.push(key);
      else byUser.set(row.userId, [key]);
    }
    for (const user of users) {
      const expected = termsOf(user)
        .map((term) => `${user.tenantId}\n${term}\n${user.displayName}`)
        .sort();
      const actual = (byUser.get(user.id) ?? []).sort();
      if (expected.length !== actual.length || expected.some((key, i) => key !== actual[i])) wrong++;
    }
  }
  return { termsOfInactiveUsers: Number(orphans.n), usersIndexedWrongly: wrong };
}
