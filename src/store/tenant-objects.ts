import type { Db } from './database.js';

/**
 * Which object of a connected tenant each of Roster's users is (`DirectoryUser.externalId`): what
 * a change sent to the tenant names. Reads only; the mirror and the directory provider write it.
 */

export interface TenantObject {
  externalId: string | null;
  userPrincipalName: string;
}

/** The tenant object ids and usernames of these users (deleted ones included), by Roster id. */
export async function tenantObjectsOf(db: Db, userIds: readonly string[]): Promise<Map<string, TenantObject>> {
  const found = new Map<string, TenantObject>();
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await db
      .selectFrom('DirectoryUser')
      .select(['id', 'externalId', 'userPrincipalName'])
      .where('id', 'in', userIds.slice(i, i + 500))
      .execute();
    for (const row of rows) found.set(row.id, { externalId: row.externalId, userPrincipalName: row.userPrincipalName });
  }
  return found;
}

/** Roster's active user who is this tenant object, if any. */
export async function userOfTenantObject(db: Db, tenantId: string, externalId: string): Promise<string | null> {
  const row = await db.selectFrom('DirectoryUser').select('id').where('tenantId', '=', tenantId).where('externalId', '=', externalId).executeTakeFirst();
  return row?.id ?? null;
}

/** The properties of a user a tenant keeps too, as Roster has them now (to send only what an edit changes). */
export async function tenantFieldsOf(
  db: Db,
  userId: string,
): Promise<{ displayName: string; profile: Record<string, string | null>; alternateEmail: string | null; usageLocation: string | null } | null> {
  const row = await db
    .selectFrom('DirectoryUser')
    .select([
      'displayName',
      'firstName',
      'lastName',
      'jobTitle',
      'department',
      'officeNumber',
      'officePhone',
      'mobilePhone',
      'fax',
      'address',
      'city',
      'state',
      'postalCode',
      'country',
      'alternateEmail',
      'usageLocation',
    ])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  const { displayName, alternateEmail, usageLocation, ...profile } = row;
  return { displayName, profile, alternateEmail, usageLocation };
}
