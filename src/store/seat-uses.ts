import type { ExpressionBuilder } from 'kysely';
import type { DB, DirectoryUser, LicenseAssignment } from '../generated/kysely/database.js';
import type { Db } from './database.js';
import { fromDbDate } from './values.js';

/** The changes that used a product's seats lately, for its seat alert: read from the assignments and the audit. */

export interface SeatUse {
  at: Date;
  /** Who made it (a Slack member id, `cli:<name>`), or null when no audit record says (a sync of the tenant). */
  actor: string | null;
  /** The audit record's sentence, or who got the product when there is none. */
  summary: string;
  /** Other assignments made at the same moment by the same actor (an import, a change of many). */
  others: number;
}

/** The audit record of the change that gave an assignment: the user's first record naming their licenses at or after it. */
function recordOf(eb: ExpressionBuilder<DB & { a: LicenseAssignment } & { u: DirectoryUser }, 'a' | 'u'>) {
  return eb
    .selectFrom('AuditRecord as r')
    .whereRef('r.targetUserId', '=', 'a.userId')
    .whereRef('r.createdAt', '>=', 'a.assignedAt')
    .where('r.changedFields', 'like', '%"licenses"%')
    .orderBy('r.createdAt')
    .limit(1);
}

/**
 * The latest changes that took seats of a product, newest first: its latest assignments, each with
 * the audit record of the change that made it (the user's first record naming their licenses at
 * or after it), and the changes of its number of seats; assignments of one moment by one actor are
 * one change.
 */
export async function latestSeatUses(db: Db, tenantId: string, skuId: string, limit: number): Promise<SeatUse[]> {
  const assignments = await db
    .selectFrom('LicenseAssignment as a')
    .innerJoin('DirectoryUser as u', 'u.id', 'a.userId')
    .select((eb) => [
      'a.assignedAt',
      'u.userPrincipalName',
      recordOf(eb).select('r.actorSlackUserId').as('actor'),
      recordOf(eb).select('r.summary').as('summary'),
    ])
    .where('a.tenantId', '=', tenantId)
    .where('a.skuId', '=', skuId)
    .orderBy('a.assignedAt', 'desc')
    .limit(limit * 20)
    .execute();
  const quantities = await db
    .selectFrom('AuditRecord')
    .select(['createdAt', 'actorSlackUserId', 'summary'])
    .where('tenantId', '=', tenantId)
    .where('targetType', '=', 'product')
    .where('targetId', '=', skuId)
    .where('action', '=', 'licenses.quantity')
    .orderBy('createdAt', 'desc')
    .limit(limit)
    .execute();
  const uses: SeatUse[] = [];
  for (const row of assignments) {
    const at = fromDbDate(row.assignedAt);
    const actor = row.actor ?? null;
    const last = uses.at(-1);
    if (last && last.actor === actor && Math.floor(last.at.getTime() / 1000) === Math.floor(at.getTime() / 1000)) {
      last.others++;
      continue;
    }
    uses.push({ at, actor, summary: row.summary ?? `${row.userPrincipalName} got it`, others: 0 });
  }
  for (const row of quantities) uses.push({ at: fromDbDate(row.createdAt), actor: row.actorSlackUserId, summary: row.summary, others: 0 });
  return uses.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
}
