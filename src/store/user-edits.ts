import type { Updateable } from 'kysely';
import type { DirectoryUser } from '../generated/kysely/database.js';
import type { Role } from '../domain/roles.js';
import { PROFILE_FIELD_NAMES } from '../domain/profile-fields.js';
import type { UserFieldChanges } from '../domain/user-changes.js';
import type { Db } from './database.js';
import { reindexUser } from './user-search.js';
import { toDbBool, toDbDate } from './values.js';

/** All SQL about changing existing directory users: their fields, username, roles, sign-in and password. */

/**
 * Writes the changed fields of one user. A username keeps `upnKey`, `aliasKey` and `domain` in step;
 * a username taken meanwhile fails with `UniqueViolation` ('username'; the caller reports it).
 * `profile` replaces every profile field (a field left out becomes empty).
 */
export async function updateUserFields(db: Db, userId: string, changes: UserFieldChanges, at: Date): Promise<void> {
  const set: Updateable<DirectoryUser> = { updatedAt: toDbDate(at) };
  if (changes.profile) {
    for (const field of PROFILE_FIELD_NAMES) if (field !== 'displayName') set[field] = changes.profile[field] ?? null;
  }
  if (changes.displayName !== undefined) set.displayName = changes.displayName;
  if (changes.alternateEmail !== undefined) set.alternateEmail = changes.alternateEmail;
  if (changes.usageLocation !== undefined) set.usageLocation = changes.usageLocation;
  if (changes.accountEnabled !== undefined) set.accountEnabled = toDbBool(changes.accountEnabled);
  if (changes.managerId !== undefined) {
    set.managerId = changes.managerId;
    // On a connected tenant, the manager's object id as the tenant names it (what the sync compares).
    set.managerExternalId = changes.managerId
      ? ((await db.selectFrom('DirectoryUser').select('externalId').where('id', '=', changes.managerId).executeTakeFirst())?.externalId ?? null)
      : null;
  }
  if (changes.username) {
    set.userPrincipalName = changes.username.userPrincipalName;
    set.upnKey = changes.username.userPrincipalName.toLowerCase();
    set.aliasKey = changes.username.alias.toLowerCase();
    set.domain = changes.username.domain;
  }
  await db.updateTable('DirectoryUser').set(set).where('id', '=', userId).where('deletedAt', 'is', null).execute();
  // The search index follows the display name and the username, in the same transaction.
  if (changes.displayName !== undefined || changes.username) await reindexUser(db, userId);
}

/** Gives a user exactly these roles (the ones not named are taken away). */
export async function replaceRoles(db: Db, userId: string, roles: readonly Role[], at: Date): Promise<void> {
  await db.deleteFrom('RoleAssignment').where('userId', '=', userId).execute();
  if (roles.length === 0) return;
  const stamp = toDbDate(at);
  await db
    .insertInto('RoleAssignment')
    .values(roles.map((role) => ({ userId, role, createdAt: stamp })))
    .execute();
}

/** A new password (hash only) for one user. */
export async function setUserPassword(db: Db, userId: string, change: { passwordHash: string; forceChangePassword: boolean }, at: Date): Promise<void> {
  const stamp = toDbDate(at);
  await db
    .updateTable('DirectoryUser')
    .set({ passwordHash: change.passwordHash, passwordSetAt: stamp, forceChangePassword: toDbBool(change.forceChangePassword), updatedAt: stamp })
    .where('id', '=', userId)
    .where('deletedAt', 'is', null)
    .execute();
}

/** Marks a user as synchronized from on-premises Active Directory (or back to a cloud user). */
export async function setUserSource(db: Db, userId: string, source: 'cloud' | 'synced', at: Date): Promise<void> {
  await db
    .updateTable('DirectoryUser')
    .set({ source, updatedAt: toDbDate(at) })
    .where('id', '=', userId)
    .where('deletedAt', 'is', null)
    .execute();
}

/** The username of an active user of this organization, by id (null when deleted or elsewhere). */
export async function activeUpnById(db: Db, tenantId: string, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('DirectoryUser')
    .select('userPrincipalName')
    .where('id', '=', userId)
    .where('tenantId', '=', tenantId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  return row?.userPrincipalName ?? null;
}

/** Active users of this organization among these ids: id, username, source and whether sign-in is allowed. */
export async function activeUsersByIds(
  db: Db,
  tenantId: string,
  userIds: readonly string[],
): Promise<{ id: string; userPrincipalName: string; source: string }[]> {
  const found: { id: string; userPrincipalName: string; source: string }[] = [];
  for (let start = 0; start < userIds.length; start += 500) {
    // By id alone (the primary key): with the tenant in the WHERE, SQLite picks a tenant index and
    // reads every user of the organization. The tenant is checked here instead.
    const rows = await db
      .selectFrom('DirectoryUser')
      .select(['id', 'tenantId', 'userPrincipalName', 'source'])
      .where('id', 'in', userIds.slice(start, start + 500))
      .where('deletedAt', 'is', null)
      .execute();
    for (const { tenantId: owner, ...row } of rows) if (owner === tenantId) found.push(row);
  }
  return found;
}

/** How many active, sign-in-allowed Global admins the organization has (the last one may not be blocked or demoted). */
export async function countSignInAllowedGlobalAdmins(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('DirectoryUser as u')
    .innerJoin('RoleAssignment as r', (join) => join.onRef('r.userId', '=', 'u.id').on('r.role', '=', 'global_admin'))
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('u.tenantId', '=', tenantId)
    .where('u.deletedAt', 'is', null)
    .where('u.accountEnabled', '=', toDbBool(true))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The Slack team ids of organizations with no active Global admin who can sign in (for `roster check`). */
export async function organizationsWithoutSignInGlobalAdmin(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('Tenant as t')
    .select('t.slackTeamId')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('DirectoryUser as u')
            .innerJoin('RoleAssignment as r', (join) => join.onRef('r.userId', '=', 'u.id').on('r.role', '=', 'global_admin'))
            .select('u.id')
            .whereRef('u.tenantId', '=', 't.id')
            .where('u.deletedAt', 'is', null)
            .where('u.accountEnabled', '=', toDbBool(true)),
        ),
      ),
    )
    .orderBy('t.slackTeamId')
    .execute();
  return rows.map((row) => row.slackTeamId);
}
