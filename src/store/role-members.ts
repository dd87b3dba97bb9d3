import type { Role } from '../domain/roles.js';
import type { Db } from './database.js';
import { toDbBool } from './values.js';

/**
 * The Slack members holding one of these roles in the organization (active users who can sign in
 * and are linked to Slack), the longest-standing first: whom a seat alert goes to by DM.
 */
export async function slackMembersWithRoles(db: Db, tenantId: string, roles: readonly Role[], limit: number): Promise<string[]> {
  if (roles.length === 0) return [];
  const rows = await db
    .selectFrom('DirectoryUser as u')
    .innerJoin('RoleAssignment as r', 'r.userId', 'u.id')
    .select('u.slackUserId')
    .distinct()
    .where('u.tenantId', '=', tenantId)
    .where('u.deletedAt', 'is', null)
    .where('u.accountEnabled', '=', toDbBool(true))
    .where('u.slackUserId', 'is not', null)
    .where('r.role', 'in', roles)
    .orderBy('u.slackUserId')
    .limit(limit)
    .execute();
  return rows.flatMap((row) => (row.slackUserId ? [row.slackUserId] : []));
}
