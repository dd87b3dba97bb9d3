import type { Db } from './database.js';
import { licensesOfUsers } from './seat-ledger.js';
import { fromDbDate, toDbBool, toDbDate } from './values.js';

/** All SQL about reclaiming licenses (issue 17): the licensed users whose seats are paid for and unused, and those kept. */

export interface ReclaimCandidate {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** The products they hold, oldest first. */
  skuIds: string[];
}

function blockedLicensed(db: Db, tenantId: string, now: Date) {
  return db
    .selectFrom('DirectoryUser as u')
    .where('u.tenantId', '=', tenantId)
    .where('u.deletedAt', 'is', null)
    .where('u.accountEnabled', '=', toDbBool(false))
    .where((eb) => eb.exists(eb.selectFrom('LicenseAssignment as a').select('a.userId').whereRef('a.userId', '=', 'u.id')))
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('LicenseKeep as k').select('k.userId').whereRef('k.userId', '=', 'u.id').where('k.keptUntil', '>', toDbDate(now)))),
    );
}

/**
 * Active users whose sign-in is blocked and who hold a license, but those kept until after `now`:
 * the first `limit` by display name (then id), with their products, and how many in all.
 */
export async function blockedLicensedUsers(db: Db, tenantId: string, now: Date, limit: number): Promise<{ users: ReclaimCandidate[]; count: number }> {
  const rows = await blockedLicensed(db, tenantId, now)
    .select(['u.id', 'u.userPrincipalName', 'u.displayName'])
    .orderBy('u.displayName')
    .orderBy('u.id')
    .limit(limit)
    .execute();
  const counted = await blockedLicensed(db, tenantId, now)
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
  return { users: rows.map((row) => ({ ...row, skuIds: licenses.get(row.id) ?? [] })), count: Number(counted.n) };
}

/** Users kept until after `now` who would otherwise be proposed (blocked and licensed), with until when. */
export async function keptUsers(db: Db, tenantId: string, now: Date, limit: number): Promise<{ userPrincipalName: string; keptUntil: Date }[]> {
  const rows = await db
    .selectFrom('LicenseKeep as k')
    .innerJoin('DirectoryUser as u', 'u.id', 'k.userId')
    .select(['u.userPrincipalName', 'k.keptUntil'])
    .where('k.tenantId', '=', tenantId)
    .where('k.keptUntil', '>', toDbDate(now))
    .where('u.deletedAt', 'is', null)
    .where('u.accountEnabled', '=', toDbBool(false))
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
