import type { Db } from './database.js';
import { toDbDate } from './values.js';

/** All SQL about users' managers (`DirectoryUser.managerId`; docs/domain.md "Managers"). */

export interface ManagerLink {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** The Slack member the manager is linked to, if any. */
  slackUserId: string | null;
  deleted: boolean;
}

/** A user's manager (deleted or not: a deleted manager stays named until purged), or null. */
export async function managerOf(db: Db, userId: string): Promise<ManagerLink | null> {
  const row = await db
    .selectFrom('DirectoryUser as u')
    .innerJoin('DirectoryUser as m', 'm.id', 'u.managerId')
    .select(['m.id', 'm.userPrincipalName', 'm.displayName', 'm.slackUserId', 'm.deletedAt'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  const { deletedAt, ...link } = row;
  return { ...link, deleted: deletedAt !== null };
}

/**
 * The managers above a user, nearest first (their manager, that manager's, …), at most `limit`,
 * stopping at the first repeat. Deleted users count: they are still named as managers.
 */
export async function managersAbove(db: Db, tenantId: string, userId: string, limit: number): Promise<{ id: string; userPrincipalName: string }[]> {
  const chain: { id: string; userPrincipalName: string }[] = [];
  const seen = new Set<string>([userId]);
  let current = userId;
  while (chain.length < limit) {
    const row = await db
      .selectFrom('DirectoryUser as u')
      .innerJoin('DirectoryUser as m', 'm.id', 'u.managerId')
      .select(['m.id', 'm.userPrincipalName', 'm.tenantId'])
      .where('u.id', '=', current)
      .executeTakeFirst();
    if (!row || row.tenantId !== tenantId) break;
    chain.push({ id: row.id, userPrincipalName: row.userPrincipalName });
    if (seen.has(row.id)) break;
    seen.add(row.id);
    current = row.id;
  }
  return chain;
}

/** How many active users this user manages, and the first few by display name. */
export async function directReports(db: Db, tenantId: string, managerId: string, shown: number): Promise<{ count: number; first: string[] }> {
  const reports = db.selectFrom('DirectoryUser').where('tenantId', '=', tenantId).where('managerId', '=', managerId).where('deletedAt', 'is', null);
  const [count, first] = await Promise.all([
    reports.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    reports.select('userPrincipalName').orderBy('displayName').orderBy('id').limit(shown).execute(),
  ]);
  return { count: Number(count.n), first: first.map((r) => r.userPrincipalName) };
}

/** Sets each user's manager (an import's new users, in its batch's transaction). */
export async function setManagers(db: Db, links: readonly { userId: string; managerId: string }[], at: Date): Promise<void> {
  const stamp = toDbDate(at);
  for (const link of links) await db.updateTable('DirectoryUser').set({ managerId: link.managerId, updatedAt: stamp }).where('id', '=', link.userId).execute();
}
