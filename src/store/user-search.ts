import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../generated/kysely/database.js';
import type { Db } from './database.js';
import { inTransaction } from './database.js';
import { toRecord, USER_COLUMNS, type DirectoryUserRecord } from './directory-users.js';

/**
 * The word-start index behind `/users find` and every user picker: one UserSearchTerm row per word
 * of a user's display name, their username and their alias (and its parts), lower case without
 * accents. A prefix is then a range scan on the primary key (tenantId, term, …) instead of a LIKE over
 * every user. Rows are written in the transaction that inserts a user (directory-users.ts) and by
 * `reindexUser` after any change of name or username; `backfillSearchTerms` indexes users made before.
 */

/** What a user is found by. */
export interface SearchableUser {
  id: string;
  tenantId: string;
  upnKey: string;
  aliasKey: string;
  displayName: string;
}

/** 0 the whole username, 1 the whole alias (these two rank first on an exact match), 2 a word or part of either. */
export const TERM_KIND = { username: 0, alias: 1, word: 2 } as const;

/** Lower case without accents ("José" → "jose"), as terms are stored and queries read. */
export function searchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .trim();
}

const MAX_TERM = 64;
/** The last character a term can hold: `term < prefix + HIGH` bounds a prefix range (BMP text). */
const HIGH = '\uffff';

/** The terms of one user, each with its kind, without repeats. */
export function termsOf(user: Pick<SearchableUser, 'upnKey' | 'aliasKey' | 'displayName'>): { term: string; kind: number }[] {
  const seen = new Set<string>();
  const terms: { term: string; kind: number }[] = [];
  const add = (term: string, kind: number) => {
    const t = term.slice(0, MAX_TERM);
    if (t && !seen.has(`${kind}:${t}`)) {
      seen.add(`${kind}:${t}`);
      terms.push({ term: t, kind });
    }
  };
  add(searchKey(user.upnKey), TERM_KIND.username);
  const alias = searchKey(user.aliasKey);
  add(alias, TERM_KIND.alias);
  for (const part of alias.split(/[._-]+/)) add(part, TERM_KIND.word);
  for (const word of searchKey(user.displayName).split(/\s+/)) {
    add(word, TERM_KIND.word);
    // "O'Brien" is found by "o'b", "obr" and "brien"; "Smith-Jones" by "jones" too.
    add(word.replace(/[^\p{L}\p{N}]+/gu, ''), TERM_KIND.word);
    for (const part of word.split(/[^\p{L}\p{N}]+/u)) add(part, TERM_KIND.word);
  }
  return terms;
}

/** Rows per INSERT: 5 values each, far below SQLite's bound-parameter limit. */
const TERM_CHUNK = 1000;

/** Writes the terms of users just inserted (call inside their transaction). */
export async function indexNewUsers(db: Db, users: readonly SearchableUser[]): Promise<void> {
  const rows = users.flatMap((user) =>
    termsOf(user).map(({ term, kind }) => ({ tenantId: user.tenantId, term, userId: user.id, kind, displayName: user.displayName })),
  );
  for (let start = 0; start < rows.length; start += TERM_CHUNK) {
    await db
      .insertInto('UserSearchTerm')
      .values(rows.slice(start, start + TERM_CHUNK))
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
}

/**
 * Rewrites a user's terms from their row: call it in the transaction of any change to the display
 * name or username (edit, rename, restore); a deleted user keeps no terms.
 */
export async function reindexUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('UserSearchTerm').where('userId', '=', userId).execute();
  const user = await db
    .selectFrom('DirectoryUser')
    .select(['id', 'tenantId', 'upnKey', 'aliasKey', 'displayName'])
    .where('id', '=', userId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  if (user) await indexNewUsers(db, [user]);
}

/** Indexes active users that have no terms yet (users made before the index existed); returns how many. */
export async function backfillSearchTerms(db: Db, batch = 2000): Promise<number> {
  let done = 0;
  for (;;) {
    const users = await db
      .selectFrom('DirectoryUser as u')
      .select(['u.id', 'u.tenantId', 'u.upnKey', 'u.aliasKey', 'u.displayName'])
      .where('u.deletedAt', 'is', null)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('UserSearchTerm as t').select('t.userId').whereRef('t.userId', '=', 'u.id'))))
      .limit(batch)
      .execute();
    if (users.length === 0) return done;
    await inTransaction(db, (tx) => indexNewUsers(tx, users));
    done += users.length;
  }
}

/**
 * A prefix with at least this many terms is "broad" ("a", "an"): ranking all its matches would read
 * tens of thousands of rows, while walking the users in display name order finds the first matches
 * after a few rows, since about one user in five matches.
 */
const BROAD_PREFIX = 5_000;

/** Separators inside usernames: a word without them matches a username only through its first part. */
const SEPARATOR = /[._@-]/;

function prefixOf(eb: ExpressionBuilder<DB, 'UserSearchTerm'>, word: string) {
  return eb.and([eb('term', '>=', word), eb('term', '<', word + HIGH)]);
}

async function termsInRange(db: Db, tenantId: string, word: string, cap: number): Promise<number> {
  const row = await db
    .selectFrom(
      db
        .selectFrom('UserSearchTerm')
        .select('userId')
        .where('tenantId', '=', tenantId)
        .where((eb) => prefixOf(eb, word))
        .limit(cap)
        .as('range'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Active users with a term starting with each word of `query`, ranked: exact username or alias
 * first, then display name order. Returns their ids. The most selective word is read from the term
 * range; a broad one (see BROAD_PREFIX) walks the users in display name order instead.
 */
export async function searchUserIds(db: Db, tenantId: string, query: string, limit: number, broadAt = BROAD_PREFIX): Promise<string[]> {
  const whole = searchKey(query);
  const words = [...new Set(whole.split(/\s+/).filter(Boolean))];
  if (words.length === 0) return [];
  const sizes = await Promise.all(words.map((word) => termsInRange(db, tenantId, word, broadAt)));
  const narrowest = sizes.indexOf(Math.min(...sizes));
  const first = words[narrowest]!;
  const others = words.filter((_, i) => i !== narrowest);
  const exact = words.length === 1 ? await exactMatches(db, tenantId, whole, limit) : [];
  const walked = sizes[narrowest]! >= broadAt ? await walkByName(db, tenantId, words, limit + exact.length) : null;
  const rest = walked ?? (await rankRange(db, tenantId, first, others, limit + exact.length));
  return [...new Set([...exact, ...rest])].slice(0, limit);
}

/** Users whose whole username or alias is the query: they rank first. */
async function exactMatches(db: Db, tenantId: string, whole: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('UserSearchTerm as t')
    .innerJoin('DirectoryUser as u', 'u.id', 't.userId')
    .select(['t.userId', 't.displayName'])
    .where('t.tenantId', '=', tenantId)
    .where('t.term', '=', whole)
    .where('t.kind', '<=', TERM_KIND.alias)
    .where('u.deletedAt', 'is', null)
    .orderBy('t.displayName')
    .orderBy('t.userId')
    .limit(limit)
    .execute();
  return rows.map((row) => row.userId);
}

/**
 * A narrow prefix: every match read from the term range (an index-only scan), in display name order.
 * Deleted users normally have no terms (reindexUser); any left are dropped after ranking.
 */
async function rankRange(db: Db, tenantId: string, first: string, others: string[], limit: number): Promise<string[]> {
  let q = db
    .selectFrom('UserSearchTerm as t')
    .select(['t.userId', 't.displayName'])
    .where('t.tenantId', '=', tenantId)
    .where('t.term', '>=', first)
    .where('t.term', '<', first + HIGH);
  // Without a separator, whatever starts the whole username or alias also starts its first part (a word term).
  if (!SEPARATOR.test(first)) q = q.where('t.kind', '=', TERM_KIND.word);
  for (const word of others) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('UserSearchTerm as w')
          .select('w.userId')
          .whereRef('w.userId', '=', 't.userId')
          .where('w.term', '>=', word)
          .where('w.term', '<', word + HIGH),
      ),
    );
  }
  // No GROUP BY: a user has a few terms in a range at most (name words, alias parts), so the first
  // rows of a bounded sort hold the first users; SQLite's top-N sort is far cheaper than grouping all.
  const rows = await q
    .orderBy('t.displayName')
    .orderBy('t.userId')
    .limit((limit + 20) * TERMS_PER_USER_IN_RANGE)
    .execute();
  const ids = [...new Set(rows.map((row) => row.userId))].slice(0, limit + 20);
  if (ids.length === 0) return [];
  // Users with more terms in the range than the bound filled every row: group properly instead.
  if (ids.length < limit + 20 && rows.length === (limit + 20) * TERMS_PER_USER_IN_RANGE) return rankRangeJoined(db, tenantId, first, others, limit);
  const active = new Set(
    (await db.selectFrom('DirectoryUser').select('id').where('id', 'in', ids).where('deletedAt', 'is', null).execute()).map((row) => row.id),
  );
  const kept = ids.filter((id) => active.has(id));
  // More than 20 deleted users still indexed among the first: rank again with the join (rare).
  if (ids.length === limit + 20 && kept.length < limit) return rankRangeJoined(db, tenantId, first, others, limit);
  return kept.slice(0, limit);
}

async function rankRangeJoined(db: Db, tenantId: string, first: string, others: string[], limit: number): Promise<string[]> {
  let q = db
    .selectFrom('UserSearchTerm as t')
    .innerJoin('DirectoryUser as u', 'u.id', 't.userId')
    .select(['t.userId', 't.displayName'])
    .where('t.tenantId', '=', tenantId)
    .where('t.term', '>=', first)
    .where('t.term', '<', first + HIGH)
    .where('u.deletedAt', 'is', null);
  for (const word of others) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('UserSearchTerm as w')
          .select('w.userId')
          .whereRef('w.userId', '=', 't.userId')
          .where('w.term', '>=', word)
          .where('w.term', '<', word + HIGH),
      ),
    );
  }
  const rows = await q.groupBy(['t.userId', 't.displayName']).orderBy('t.displayName').orderBy('t.userId').limit(limit).execute();
  return rows.map((row) => row.userId);
}

/** At most this many terms of one user fall in a prefix's range (a generous bound: words and alias parts). */
const TERMS_PER_USER_IN_RANGE = 8;

/** How many users, in display name order, a broad prefix's walk reads before it gives up for the range. */
const WALK_BUDGET = 10_000;

/**
 * A broad prefix: the first users in display name order whose terms match every word, when they are
 * among the first WALK_BUDGET users (matches are common, so they usually are); null when fewer were
 * found there (the matches cluster later in the alphabet: "zo" for the Zoës), and the range must rank.
 */
async function walkByName(db: Db, tenantId: string, words: string[], limit: number): Promise<string[] | null> {
  const firstUsers = db
    .selectFrom('DirectoryUser')
    .select(['id', 'displayName'])
    .where('tenantId', '=', tenantId)
    .where('deletedAt', 'is', null)
    .orderBy('displayName')
    .orderBy('id')
    .limit(WALK_BUDGET);
  let q = db.selectFrom(firstUsers.as('u')).select('u.id');
  for (const word of words) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('UserSearchTerm as w')
          .select('w.userId')
          .whereRef('w.userId', '=', 'u.id')
          .where('w.term', '>=', word)
          .where('w.term', '<', word + HIGH),
      ),
    );
  }
  const rows = await q.orderBy('u.displayName').orderBy('u.id').limit(limit).execute();
  return rows.length >= limit ? rows.map((row) => row.id) : null;
}

/** Active users by id, in the order of `ids`. */
export async function activeUsersInOrder(db: Db, ids: readonly string[]): Promise<DirectoryUserRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('DirectoryUser').select(USER_COLUMNS).where('id', 'in', ids).where('deletedAt', 'is', null).execute();
  const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
