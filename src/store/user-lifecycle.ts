import type { RememberedLicense } from '../domain/user-changes.js';
import type { Db } from './database.js';
import { dialectOf } from './dialect.js';
import { reindexUser } from './user-search.js';
import { fromDbDate, toDbBool, toDbDate, toDbJson } from './values.js';

/**
 * All SQL about a user's life after creation: soft delete (kept 30 days with the licenses they
 * held remembered), restore, the purge that removes them for good, guests, and the mailbox grace.
 */

export interface DeletedUserRecord {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  alias: string;
  domain: string;
  displayName: string;
  slackUserId: string | null;
  userType: string;
  /** `cloud`, or `synced` from an on-premises directory. */
  source: string;
  deletedAt: Date;
  deletedLicenses: RememberedLicense[];
}

const DELETED_COLUMNS = [
  'id',
  'tenantId',
  'userPrincipalName',
  'domain',
  'displayName',
  'slackUserId',
  'userType',
  'source',
  'deletedAt',
  'deletedLicenses',
] as const;

function toDeleted(row: {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  domain: string;
  displayName: string;
  slackUserId: string | null;
  userType: string;
  source: string;
  deletedAt: string | null;
  deletedLicenses: string | null;
}): DeletedUserRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    userPrincipalName: row.userPrincipalName,
    alias: row.userPrincipalName.slice(0, row.userPrincipalName.lastIndexOf('@')),
    domain: row.domain,
    displayName: row.displayName,
    slackUserId: row.slackUserId,
    userType: row.userType,
    source: row.source,
    deletedAt: fromDbDate(row.deletedAt ?? '1970-01-01T00:00:00.000+00:00'),
    deletedLicenses: parseRemembered(row.deletedLicenses),
  };
}

export function parseRemembered(json: string | null): RememberedLicense[] {
  if (!json) return [];
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { skuId, disabledPlans } = item as { skuId?: unknown; disabledPlans?: unknown };
    if (typeof skuId !== 'string') return [];
    return [{ skuId, disabledPlans: Array.isArray(disabledPlans) ? disabledPlans.filter((p): p is string => typeof p === 'string') : [] }];
  });
}

/** Marks a user deleted, remembering the licenses they held; their roles stay (inactive while deleted). */
export async function softDeleteUser(db: Db, userId: string, licenses: readonly RememberedLicense[], at: Date): Promise<boolean> {
  const stamp = toDbDate(at);
  const result = await db
    .updateTable('DirectoryUser')
    .set({ deletedAt: stamp, deletedLicenses: toDbJson(licenses), updatedAt: stamp })
    .where('id', '=', userId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) return false;
  // A deleted user is found by no search: their terms go in the same transaction.
  await reindexUser(db, userId);
  return true;
}

/** Deleted users of an organization, most recently deleted first. */
export async function deletedUsers(db: Db, tenantId: string, limit: number): Promise<DeletedUserRecord[]> {
  const rows = await db
    .selectFrom('DirectoryUser')
    .select(DELETED_COLUMNS)
    .where('tenantId', '=', tenantId)
    .where('deletedAt', 'is not', null)
    .orderBy('deletedAt', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDeleted);
}

/** How many users of an organization are deleted (waiting for the purge). */
export async function countDeletedUsers(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('DirectoryUser')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('deletedAt', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deleted users with this username (any case), most recently deleted first. */
export async function deletedUsersByUpn(db: Db, tenantId: string, userPrincipalName: string): Promise<DeletedUserRecord[]> {
  const rows = await db
    .selectFrom('DirectoryUser')
    .select(DELETED_COLUMNS)
    .where('tenantId', '=', tenantId)
    .where('upnKey', '=', userPrincipalName.toLowerCase())
    .where('deletedAt', 'is not', null)
    .orderBy('deletedAt', 'desc')
    .execute();
  return rows.map(toDeleted);
}

/** Deleted users whose alias (the part before @) is this one. */
export async function deletedUsersByAlias(db: Db, tenantId: string, alias: string, limit: number): Promise<DeletedUserRecord[]> {
  const rows = await db
    .selectFrom('DirectoryUser')
    .select(DELETED_COLUMNS)
    .where('tenantId', '=', tenantId)
    .where('aliasKey', '=', alias.toLowerCase())
    .where('deletedAt', 'is not', null)
    .orderBy('deletedAt', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDeleted);
}

export async function deletedUserById(db: Db, tenantId: string, userId: string): Promise<DeletedUserRecord | null> {
  const row = await db
    .selectFrom('DirectoryUser')
    .select(DELETED_COLUMNS)
    .where('tenantId', '=', tenantId)
    .where('id', '=', userId)
    .where('deletedAt', 'is not', null)
    .executeTakeFirst();
  return row ? toDeleted(row) : null;
}

/**
 * Brings a deleted user back under `username` with a new password hash (to change at next sign-in).
 * The Slack link is kept only when `keepSlackLink`; the remembered licenses are cleared (the caller
 * gives them back). False when the user is no longer deleted (restored or purged meanwhile) or was
 * deleted at or before `condition.deletedAfter` (past the days a deleted user is kept).
 */
export async function undeleteUser(
  db: Db,
  userId: string,
  change: { userPrincipalName: string; alias: string; domain: string; passwordHash: string; keepSlackLink: boolean },
  condition: { deletedAfter: Date },
  at: Date,
): Promise<boolean> {
  const stamp = toDbDate(at);
  const result = await db
    .updateTable('DirectoryUser')
    .set({
      deletedAt: null,
      deletedLicenses: null,
      userPrincipalName: change.userPrincipalName,
      upnKey: change.userPrincipalName.toLowerCase(),
      aliasKey: change.alias.toLowerCase(),
      domain: change.domain,
      passwordHash: change.passwordHash,
      passwordSetAt: stamp,
      forceChangePassword: toDbBool(true),
      updatedAt: stamp,
      ...(change.keepSlackLink ? {} : { slackUserId: null }),
    })
    .where('id', '=', userId)
    .where('deletedAt', 'is not', null)
    .where('deletedAt', '>', toDbDate(condition.deletedAfter))
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) return false;
  // The search index follows the username it comes back under, in the same transaction.
  await reindexUser(db, userId);
  return true;
}

/** Users deleted at or before `cutoff`, across organizations (the purge's work list), oldest first. */
export async function usersDeletedBefore(db: Db, cutoff: Date, limit: number): Promise<DeletedUserRecord[]> {
  return (await usersDeletedBeforeQuery(db, cutoff, limit).execute()).map(toDeleted);
}

/** The query of `usersDeletedBefore`, on the partial index DirectoryUser_deleted_at_idx (exported for a plan test). */
export function usersDeletedBeforeQuery(db: Db, cutoff: Date, limit: number) {
  return db
    .selectFrom('DirectoryUser')
    .select(DELETED_COLUMNS)
    .where('deletedAt', 'is not', null)
    .where('deletedAt', '<=', toDbDate(cutoff))
    .orderBy('deletedAt')
    .limit(limit);
}

/**
 * Removes a deleted user for good with their roles and search terms (a deleted user holds no
 * license: the delete freed them). Only a user still deleted at or before `cutoff` goes, so a
 * restore in between wins: the user's row is held from this read to the COMMIT (a restore waits,
 * then finds nobody to restore).
 */
export async function purgeDeletedUser(db: Db, userId: string, cutoff: Date): Promise<boolean> {
  const still = await dialectOf(db)
    .forUpdate(
      db.selectFrom('DirectoryUser').select('id').where('id', '=', userId).where('deletedAt', 'is not', null).where('deletedAt', '<=', toDbDate(cutoff)),
    )
    .executeTakeFirst();
  if (!still) return false;
  await db.deleteFrom('UserSearchTerm').where('userId', '=', userId).execute();
  await db.deleteFrom('RoleAssignment').where('userId', '=', userId).execute();
  await db.deleteFrom('LicenseAssignment').where('userId', '=', userId).execute();
  const result = await db.deleteFrom('DirectoryUser').where('id', '=', userId).executeTakeFirst();
  return result.numDeletedRows === 1n;
}

/** Mailboxes whose grace has ended (across organizations): their users, to be set to no mailbox. */
export async function mailboxesPastGrace(db: Db, now: Date, limit: number): Promise<{ id: string; tenantId: string; userPrincipalName: string }[]> {
  return mailboxesPastGraceQuery(db, now, limit).execute();
}

/** The query of `mailboxesPastGrace`, on the partial index DirectoryUser_mailbox_grace_idx (exported for a plan test). */
export function mailboxesPastGraceQuery(db: Db, now: Date, limit: number) {
  return db
    .selectFrom('DirectoryUser')
    .select(['id', 'tenantId', 'userPrincipalName'])
    .where('mailboxGraceEndsAt', 'is not', null)
    .where('mailboxGraceEndsAt', '<=', toDbDate(now))
    .where('mailbox', '=', 'grace')
    .limit(limit);
}

/** Ends a mailbox whose grace has passed; false if a license gave it back meanwhile. */
export async function removeMailboxPastGrace(db: Db, userId: string, now: Date): Promise<boolean> {
  const stamp = toDbDate(now);
  const result = await db
    .updateTable('DirectoryUser')
    .set({ mailbox: 'none', mailboxGraceEndsAt: null, updatedAt: stamp })
    .where('id', '=', userId)
    .where('mailbox', '=', 'grace')
    .where('mailboxGraceEndsAt', '<=', stamp)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** A user's mailbox state as `/users show` tells it. */
export async function mailboxOf(db: Db, userId: string): Promise<{ state: string; graceEndsAt: Date | null } | null> {
  const row = await db.selectFrom('DirectoryUser').select(['mailbox', 'mailboxGraceEndsAt']).where('id', '=', userId).executeTakeFirst();
  return row ? { state: row.mailbox, graceEndsAt: fromDbDate(row.mailboxGraceEndsAt) } : null;
}

/** Marks a user just inserted as a guest (invited from outside the organization). */
export async function markGuest(db: Db, userId: string): Promise<void> {
  await db.updateTable('DirectoryUser').set({ userType: 'guest' }).where('id', '=', userId).execute();
}

/** The username of an active user of an organization, by id (row menus carry ids). */
export async function activeUsernameById(db: Db, tenantId: string, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('DirectoryUser')
    .select('userPrincipalName')
    .where('id', '=', userId)
    .where('tenantId', '=', tenantId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  return row?.userPrincipalName ?? null;
}
