import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../generated/kysely/database.js';
import type { Db } from './database.js';
import { licensesOfUsers } from './seat-ledger.js';
import { fromDbBool, fromDbDate, toDbBool, toDbDate } from './values.js';

/** All SQL about reclaiming licenses (issue 17): the licensed users whose seats are paid for and unused (blocked, or not signed in lately), and those kept. */

export interface ReclaimCandidate {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** False: proposed because their sign-in is blocked; true: allowed to sign in, proposed as inactive. */
  accountEnabled: boolean;
  /** Their last sign-in as last read from the tenant (null: never signed in, when read). */
  lastSignInAt: Date | null;
  createdAt: Date;
  /** The products they hold, oldest first. */
  skuIds: string[];
}

/**
 * Who counts as inactive: allowed to sign in, their sign-in activity read, created before `before`
 * and not signed in since it (or never). Null: inactivity is not asked (sign-in activity not read).
 */
export interface InactivityCutoff {
  before: Date;
}

/** Blocked, or (when asked) inactive: why an active user's seats count as unused. */
function unused(eb: ExpressionBuilder<DB & { u: DB['DirectoryUser'] }, 'u'>, inactive: InactivityCutoff | null) {
  const blocked = eb('u.accountEnabled', '=', toDbBool(false));
  if (!inactive) return blocked;
  const before = toDbDate(inactive.before);
  return eb.or([
    blocked,
    eb.and([
      eb('u.accountEnabled', '=', toDbBool(true)),
      eb('u.signInReadAt', 'is not', null),
      eb('u.createdAt', '<', before),
      eb.or([eb('u.lastSignInAt', 'is', null), eb('u.lastSignInAt', '<', before)]),
    ]),
  ]);
}

function proposedUsers(db: Db, tenantId: string, now: Date, inactive: InactivityCutoff | null) {
  return db
    .selectFrom('DirectoryUser as u')
    .where('u.tenantId', '=', tenantId)
    .where('u.deletedAt', 'is', null)
    .where((eb) => unused(eb, inactive))
    .where((eb) => eb.exists(eb.selectFrom('LicenseAssignment as a').select('a.userId').whereRef('a.userId', '=', 'u.id')))
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('LicenseKeep as k').select('k.userId').whereRef('k.userId', '=', 'u.id').where('k.keptUntil', '>', toDbDate(now)))),
    );
}

/**
 * Active users who hold a license and whose sign-in is blocked, or (`inactive` given) who have not
 * signed in since its cutoff, but those kept until after `now`: the first `limit` by display name
 * (then id), with their products, and how many in all.
 */
export async function reclaimableUsers(
  db: Db,
  tenantId: string,
  now: Date,
  inactive: InactivityCutoff | null,
  limit: number,
): Promise<{ users: ReclaimCandidate[]; count: number }> {
  const rows = await proposedUsers(db, tenantId, now, inactive)
    .select(['u.id', 'u.userPrincipalName', 'u.displayName', 'u.accountEnabled', 'u.lastSignInAt', 'u.createdAt'])
    .orderBy('u.displayName')
    .orderBy('u.id')
    .limit(limit)
    .execute();
  const counted = await proposedUsers(db, tenantId, now, inactive)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const licenses = new Map<string, string[]>();
  for (let i = 0; i < rows.length; i += 500) {
    const held = await licensesOfUsers(
      db,
      rows.slice(i, i + 500).map((row) => row.id),
    );
    for (const [userId, list] of held)
      licenses.set(
        userId,
        list.map((l) => l.skuId),
      );
  }
  return {
    users: rows.map((row) => ({
      id: row.id,
      userPrincipalName: row.userPrincipalName,
      displayName: row.displayName,
      accountEnabled: fromDbBool(row.accountEnabled),
      lastSignInAt: fromDbDate(row.lastSignInAt),
      createdAt: fromDbDate(row.createdAt),
      skuIds: licenses.get(row.id) ?? [],
    })),
    count: Number(counted.n),
  };
}

/** The user as the report would propose them now (blocked or inactive, licensed, not kept); null when not proposed. */
export async function reclaimableUser(
  db: Db,
  tenantId: string,
  userId: string,
  now: Date,
  inactive: InactivityCutoff | null,
): Promise<{ accountEnabled: boolean; lastSignInAt: Date | null; createdAt: Date } | null> {
  const row = await proposedUsers(db, tenantId, now, inactive)
    .where('u.id', '=', userId)
    .select(['u.accountEnabled', 'u.lastSignInAt', 'u.createdAt'])
    .executeTakeFirst();
  return row ? { accountEnabled: fromDbBool(row.accountEnabled), lastSignInAt: fromDbDate(row.lastSignInAt), createdAt: fromDbDate(row.createdAt) } : null;
}

/** Users kept until after `now` who would otherwise be proposed (blocked or inactive), with until when. */
export async function keptUsers(
  db: Db,
  tenantId: string,
  now: Date,
  inactive: InactivityCutoff | null,
  limit: number,
): Promise<{ userPrincipalName: string; keptUntil: Date }[]> {
  const rows = await db
    .selectFrom('LicenseKeep as k')
    .innerJoin('DirectoryUser as u', 'u.id', 'k.userId')
    .select(['u.userPrincipalName', 'k.keptUntil'])
    .where('k.tenantId', '=', tenantId)
    .where('k.keptUntil', '>', toDbDate(now))
    .where('u.deletedAt', 'is', null)
    .where((eb) => unused(eb, inactive))
    .orderBy('k.keptUntil')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ userPrincipalName: row.userPrincipalName, keptUntil: fromDbDate(row.keptUntil) }));
}

/** Keeps these users out of the report until `until` (a user kept before gets the new date). */
export async function keepUsers(db: Db, tenantId: string, userIds: readonly string[], until: Date, by: string, at: Date): Promise<void> {
  const values = { keptUntil: toDbDate(until), keptBy: by, keptAt: toDbDate(at) };
  for (const userId of userIds)
    await db
      .insertInto('LicenseKeep')
      .values({ userId, tenantId, ...values })
      .onConflict((conflict) => conflict.column('userId').doUpdateSet(values))
      .execute();
}

/** Whether the user is kept until after `now`. */
export async function isKept(db: Db, userId: string, now: Date): Promise<boolean> {
  const row = await db.selectFrom('LicenseKeep').select('userId').where('userId', '=', userId).where('keptUntil', '>', toDbDate(now)).executeTakeFirst();
  return row !== undefined;
}
