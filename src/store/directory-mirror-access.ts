import type { Role } from '../domain/roles.js';
import type { Db } from './database.js';
import { toDbDate } from './values.js';

/**
 * Who may act in a connected organization: its users' admin roles, the Microsoft Entra directory
 * roles they hold (written by the sync), and the Slack member each user is (linked by email, or by
 * a Global admin). src/directory/microsoft-mirror.ts calls these, in the core's transactions.
 */

/**
 * Every user of the organization the tenant has (an object id) holds exactly the roles given for
 * them, by object id (none when not named); returns how many role assignments there are then.
 */
export async function setMirroredRoles(db: Db, tenantId: string, roles: ReadonlyMap<string, readonly Role[]>, at: Date): Promise<number> {
  await db
    .deleteFrom('RoleAssignment')
    .where('userId', 'in', (eb) => eb.selectFrom('DirectoryUser').select('id').where('tenantId', '=', tenantId).where('externalId', 'is not', null))
    .execute();
  const ids = [...roles.keys()];
  const stamp = toDbDate(at);
  let written = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const users = await db
      .selectFrom('DirectoryUser')
      .select(['id', 'externalId'])
      .where('tenantId', '=', tenantId)
      .where('externalId', 'in', ids.slice(i, i + 500))
      .execute();
    const rows = users.flatMap((user) => [...new Set(roles.get(user.externalId!) ?? [])].map((role) => ({ userId: user.id, role, createdAt: stamp })));
    if (rows.length > 0) await db.insertInto('RoleAssignment').values(rows).execute();
    written += rows.length;
  }
  return written;
}

/** An active user a Slack member's email may name: by username, or by email address (mail). */
export interface LinkCandidate {
  id: string;
  upnKey: string;
  mailKey: string | null;
  slackUserId: string | null;
}

/** The active users whose username or email address is one of `emails` (lower case). */
export async function usersByEmails(db: Db, tenantId: string, emails: readonly string[]): Promise<LinkCandidate[]> {
  const found = new Map<string, LinkCandidate>();
  for (let i = 0; i < emails.length; i += 500) {
    const chunk = emails.slice(i, i + 500);
    const rows = await db
      .selectFrom('DirectoryUser')
      .select(['id', 'upnKey', 'mailKey', 'slackUserId'])
      .where('tenantId', '=', tenantId)
      .where('deletedAt', 'is', null)
      .where((eb) => eb.or([eb('upnKey', 'in', chunk), eb('mailKey', 'in', chunk)]))
      .execute();
    for (const row of rows) found.set(row.id, row);
  }
  return [...found.values()];
}

/** The Slack members of these ids linked to an active user of the organization. */
export async function linkedMembers(db: Db, tenantId: string, slackUserIds: readonly string[]): Promise<Set<string>> {
  const linked = new Set<string>();
  for (let i = 0; i < slackUserIds.length; i += 500) {
    const rows = await db
      .selectFrom('DirectoryUser')
      .select('slackUserId')
      .where('tenantId', '=', tenantId)
      .where('deletedAt', 'is', null)
      .where('slackUserId', 'in', slackUserIds.slice(i, i + 500))
      .execute();
    for (const row of rows) if (row.slackUserId) linked.add(row.slackUserId);
  }
  return linked;
}

/** Each user is now the Slack member given (null: nobody); a member linked to another active user fails with UniqueViolation ('slack_member'). */
export async function linkSlackMembers(db: Db, links: readonly { userId: string; slackUserId: string | null }[], at: Date): Promise<void> {
  const stamp = toDbDate(at);
  for (const link of links)
    await db.updateTable('DirectoryUser').set({ slackUserId: link.slackUserId, updatedAt: stamp }).where('id', '=', link.userId).execute();
}
