import type { Db } from './database.js';
import { inTransaction, runEach } from './database.js';

/**
 * The word-start index behind `/users find` and every user picker: one UserSearchTerm row per word
 * of a user's display name and per part of their alias, lower case without accents, with the display
 * name beside it. The table is its own index (WITHOUT ROWID, primary key tenantId, term, displayName,
 * userId), so a prefix is one range of it, already holding what ranking needs, and an import writes
 * two B-tree entries per word. Whole usernames and aliases are not copied here: the user table's own
 * (tenantId, upnKey) and (tenantId, aliasKey) indexes answer those. Rows are written in the transaction
 * that inserts a user (directory-users.ts) and by `reindexUser` after any change of name or username;
 * `backfillSearchTerms` indexes users that have none (made before the index, or before it changed).
 */

/** What a user is found by. */
export interface SearchableUser {
  id: string;
  tenantId: string;
  upnKey: string;
  aliasKey: string;
  displayName: string;
}

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

/** The word terms of one user, without repeats: display name words (whole, without punctuation, and their parts) and alias parts. */
export function termsOf(user: Pick<SearchableUser, 'aliasKey' | 'displayName'>): string[] {
  const terms = new Set<string>();
  const add = (term: string) => {
    const t = term.slice(0, MAX_TERM);
    if (t) terms.add(t);
  };
  for (const part of searchKey(user.aliasKey).split(/[._-]+/)) add(part);
  for (const word of searchKey(user.displayName).split(/\s+/)) {
    add(word);
    // "O'Brien" is found by "o'b", "obr" and "brien"; "Smith-Jones" by "jones" too.
    add(word.replace(/[^\p{L}\p{N}]+/gu, ''));
    for (const part of word.split(/[^\p{L}\p{N}]+/u)) add(part);
  }
  return [...terms];
}

/**
 * Whether a user matches what was typed, by the rule the queries below implement: every word starts
 * a word term, or the whole alias or username. For tests and for checking one user without SQL.
 */
export function userMatches(user: Pick<SearchableUser, 'upnKey' | 'aliasKey' | 'displayName'>, query: string): boolean {
  const words = searchKey(query).split(/\s+/).filter(Boolean);
  const terms = termsOf(user);
  const alias = searchKey(user.aliasKey);
  const upn = searchKey(user.upnKey);
  return words.length > 0 && words.every((w) => alias.startsWith(w) || upn.startsWith(w) || terms.some((t) => t.startsWith(w)));
}

/** Writes the terms of users just inserted (call inside their transaction). */
export async function indexNewUsers(db: Db, users: readonly SearchableUser[]): Promise<void> {
  const rows = users.flatMap((user) => termsOf(user).map((term) => ({ tenantId: user.tenantId, term, displayName: user.displayName, userId: user.id })));
  await runEach(
    db,
    (row) =>
      db
        .insertInto('UserSearchTerm')
        .values(row)
        .onConflict((conflict) => conflict.doNothing()),
    rows,
  );
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

/** Separators inside usernames and aliases: a word holding one may match the whole alias or username. */
const SEPARATOR = /[._@-]/;

/**
 * At most this many terms of one user fall in a prefix's range ("smi": smith-jones, smithjones, smith);
 * the ranking reads this many rows per user it needs, and groups properly when that was not enough.
 */
export const TERMS_PER_USER_IN_RANGE = 8;

export interface SearchOptions {
  /** The row bound per user of the ranking's first try (tests lower it to check the fallback). */
  termsPerUser?: number;
  /** The rarest word's range size under which other words are probed per user (tests force either way). */
  probeBelow?: number;
}

/**
 * Active users matching every word of `query` (see `userMatches`), ranked: the exact username or
 * alias first, then display name order. Returns their ids. Every word is a range of the term table:
 * one word is ranked straight from its range (a top-N sort of index rows, a few ms even for "a" at
 * 100,000 users); with more words, the first word's range is kept where the user is in the other
 * words' ranges too: SQLite reads each range once into a list (with a Bloom filter) instead of probing
 * the index once per user, so which word goes first hardly matters and no range is counted first.
 */
export async function searchUserIds(db: Db, tenantId: string, query: string, limit: number, options: SearchOptions = {}): Promise<string[]> {
  const whole = searchKey(query);
  const words = [...new Set(whole.split(/\s+/).filter(Boolean))];
  if (words.length === 0) return [];
  const exact = words.length === 1 ? await exactMatches(db, tenantId, whole, limit) : [];
  const plan = words.length === 1 ? { words, probe: false } : await planWords(db, tenantId, words, options.probeBelow ?? PROBE_BELOW);
  const ranked = await rankMatches(db, tenantId, plan, limit + exact.length, options.termsPerUser ?? TERMS_PER_USER_IN_RANGE);
  return [...new Set([...exact, ...ranked])].slice(0, limit);
}

/** Terms counted per word to plan a query of several words; past this, a word is "common". */
const COUNT_CAP = 2_000;
/** With fewer terms than this in the rarest word's range, its users are probed for the other words one by one. */
export const PROBE_BELOW = 300;

interface WordPlan {
  /** The words, the one whose range is read first at the front. */
  words: string[];
  /**
   * Check the other words per user of the first one's range (an index probe each, ~1.5 us) rather
   * than reading each other word's whole range into a list (~0.35 us a term): "quill a" reads the few
   * Quills, not every term starting with "a".
   */
  probe: boolean;
}

async function planWords(db: Db, tenantId: string, words: string[], probeBelow: number): Promise<WordPlan> {
  const sizes = new Map<string, number>();
  for (const word of words) {
    const row = await db
      .selectFrom(termRange(db, tenantId, word).limit(COUNT_CAP).as('range'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    sizes.set(word, Number(row.n));
  }
  const ordered = [...words].sort((a, b) => sizes.get(a)! - sizes.get(b)!);
  // A word with a separator also matches whole aliases and usernames: it is read as a list, never probed.
  const probe = sizes.get(ordered[0]!)! < probeBelow && ordered.slice(1).every((word) => !SEPARATOR.test(word));
  return { words: ordered, probe };
}

/**
 * Users whose whole username or alias is the query: they rank first. Two equality lookups, each on
 * its own index (an OR of both, or an ORDER BY, makes SQLite walk the display name index instead).
 */
async function exactMatches(db: Db, tenantId: string, whole: string, limit: number): Promise<string[]> {
  const byColumn = (column: 'upnKey' | 'aliasKey') =>
    db
      .selectFrom('DirectoryUser')
      .select(['id', 'displayName'])
      .where('tenantId', '=', tenantId)
      .where('deletedAt', 'is', null)
      .where(column, '=', whole)
      .limit(limit)
      .execute();
  const rows = [...(await byColumn('upnKey')), ...(await byColumn('aliasKey'))];
  rows.sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return [...new Set(rows.map((row) => row.id))].slice(0, limit);
}

/** The term rows whose term starts with `word`. */
function termRange(db: Db, tenantId: string, word: string) {
  return db
    .selectFrom('UserSearchTerm')
    .select(['userId', 'displayName'])
    .where('tenantId', '=', tenantId)
    .where('term', '>=', word)
    .where('term', '<', word + HIGH);
}

/** The users a word with a separator starts the whole alias or username of ("olivia.ko", "olivia.kowalski@con"). */
function wholeNames(db: Db, tenantId: string, word: string, column: 'aliasKey' | 'upnKey') {
  return db
    .selectFrom('DirectoryUser')
    .select(['id as userId', 'displayName'])
    .where('tenantId', '=', tenantId)
    .where('deletedAt', 'is', null)
    .where(column, '>=', word)
    .where(column, '<', word + HIGH);
}

/** The (user, display name) rows matching one word: its term range, and for a word with a separator the aliases and usernames it starts. */
function wordMatches(db: Db, tenantId: string, word: string) {
  const terms = termRange(db, tenantId, word);
  return SEPARATOR.test(word) ? terms.unionAll(wholeNames(db, tenantId, word, 'aliasKey')).unionAll(wholeNames(db, tenantId, word, 'upnKey')) : terms;
}

/** The ids of the users matching one word, as a subquery for `in`. */
function wordUserIds(db: Db, tenantId: string, word: string) {
  return db.selectFrom(wordMatches(db, tenantId, word).as('w')).select('w.userId');
}

/**
 * The first users, in display name order, in the first word's matches and in every other word's.
 * No GROUP BY at first: a user has a few rows in a range at most, so the first rows of a bounded
 * sort hold the first users, and SQLite's top-N sort is far cheaper than grouping every match.
 * Deleted users have no terms (reindexUser); any left behind are dropped after ranking.
 */
async function rankMatches(db: Db, tenantId: string, plan: WordPlan, limit: number, termsPerUser: number): Promise<string[]> {
  const { words } = plan;
  const want = limit + 20;
  const matches = (grouped: boolean, bound: number) => {
    let q = db.selectFrom(wordMatches(db, tenantId, words[0]!).as('m')).select(['m.userId', 'm.displayName']);
    for (const word of words.slice(1)) {
      q = plan.probe
        ? q.where((eb) =>
            eb.exists(
              eb
                .selectFrom('UserSearchTerm as w')
                .select('w.userId')
                .whereRef('w.userId', '=', 'm.userId')
                .where('w.term', '>=', word)
                .where('w.term', '<', word + HIGH),
            ),
          )
        : q.where('m.userId', 'in', wordUserIds(db, tenantId, word));
    }
    if (grouped) q = q.groupBy(['m.userId', 'm.displayName']);
    return q.orderBy('m.displayName').orderBy('m.userId').limit(bound).execute();
  };
  let rows = await matches(false, want * termsPerUser);
  let ids = [...new Set(rows.map((row) => row.userId))].slice(0, want);
  // Users with more rows in the range than the bound filled every row: group properly instead.
  if (ids.length < want && rows.length === want * termsPerUser) {
    rows = await matches(true, want);
    ids = rows.map((row) => row.userId);
  }
  if (ids.length === 0) return [];
  const active = new Set(
    (await db.selectFrom('DirectoryUser').select('id').where('id', 'in', ids).where('deletedAt', 'is', null).execute()).map((row) => row.id),
  );
  const kept = ids.filter((id) => active.has(id));
  // More than 20 deleted users still indexed among the first (rare): rank again, joined with the users.
  if (ids.length === want && kept.length < limit) return rankJoined(db, tenantId, words, limit);
  return kept.slice(0, limit);
}

async function rankJoined(db: Db, tenantId: string, words: string[], limit: number): Promise<string[]> {
  let q = db
    .selectFrom(wordMatches(db, tenantId, words[0]!).as('m'))
    .innerJoin('DirectoryUser as u', 'u.id', 'm.userId')
    .select(['m.userId', 'm.displayName'])
    .where('u.deletedAt', 'is', null);
  for (const word of words.slice(1)) q = q.where('m.userId', 'in', wordUserIds(db, tenantId, word));
  const rows = await q.groupBy(['m.userId', 'm.displayName']).orderBy('m.displayName').orderBy('m.userId').limit(limit).execute();
  return rows.map((row) => row.userId);
}
