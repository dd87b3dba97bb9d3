import { timeOrderedId } from './row-ids.js';
import type { Insertable, Selectable } from 'kysely';
import type { DirectoryUser } from '../generated/kysely/database.js';
import type { Role } from '../domain/roles.js';
import { isRole } from '../domain/roles.js';
import { PROFILE_FIELD_NAMES, type ProfileValues } from '../domain/profile-fields.js';
import type { DirectoryUserRecord } from '../domain/directory-user.js';
import { type Db, runEach } from './database.js';
import { indexNewUsers } from './user-search.js';
import { fromDbBool, fromDbDate, toDbBool, toDbDate } from './values.js';

/** All SQL about directory users and their roles. Deleted users are kept (soft delete) and skipped here unless asked for. */

export interface NewDirectoryUser {
  tenantId: string;
  userPrincipalName: string;
  alias: string;
  domain: string;
  displayName: string;
  profile: ProfileValues;
  alternateEmail: string | null;
  usageLocation: string | null;
  accountEnabled: boolean;
  slackUserId: string | null;
  passwordHash: string;
  forceChangePassword: boolean;
  /** "synced" for users synchronized from on-premises Active Directory (default "cloud"). */
  source?: 'cloud' | 'synced';
  /** "active" when the user's licenses include a mailbox plan. */
  mailbox?: 'none' | 'active';
  /** Why a license asked for could not be given, with the fix ("Users with errors"). */
  licenseError?: string;
  /** The import job and file row that made the user, if an import did. */
  importJobId?: string;
  importRowNumber?: number;
  /** The user's object id in a connected tenant, which made them a moment ago (the mirror counts them as read now). */
  externalId?: string;
}

/** The one list of the columns a user is read with (everything but the password hash). */
export const USER_COLUMNS = [
  'id',
  'tenantId',
  'userPrincipalName',
  'aliasKey',
  'domain',
  'displayName',
  ...PROFILE_FIELD_NAMES.filter((f) => f !== 'displayName'),
  'alternateEmail',
  'usageLocation',
  'accountEnabled',
  'userType',
  'source',
  'slackUserId',
  'managerId',
  'passwordSetAt',
  'forceChangePassword',
  'lastSignInAt',
  'signInReadAt',
  'createdAt',
  'deletedAt',
] as const satisfies readonly (keyof DirectoryUser)[];

type UserRow = Pick<Selectable<DirectoryUser>, (typeof USER_COLUMNS)[number]>;

export function toRecord(row: UserRow): DirectoryUserRecord {
  const profile: ProfileValues = {};
  for (const field of PROFILE_FIELD_NAMES) {
    const value = row[field];
    if (value) profile[field] = value;
  }
  return {
    id: row.id,
    tenantId: row.tenantId,
    userPrincipalName: row.userPrincipalName,
    alias: row.userPrincipalName.slice(0, row.userPrincipalName.lastIndexOf('@')),
    domain: row.domain,
    displayName: row.displayName,
    profile,
    alternateEmail: row.alternateEmail,
    usageLocation: row.usageLocation,
    accountEnabled: fromDbBool(row.accountEnabled),
    userType: row.userType,
    source: row.source,
    slackUserId: row.slackUserId,
    managerId: row.managerId,
    passwordSetAt: fromDbDate(row.passwordSetAt),
    forceChangePassword: fromDbBool(row.forceChangePassword),
    lastSignInAt: fromDbDate(row.lastSignInAt),
    signInReadAt: fromDbDate(row.signInReadAt),
    createdAt: fromDbDate(row.createdAt),
    deletedAt: fromDbDate(row.deletedAt),
  };
}

/** The one place a user becomes a row: every insert goes through here. */
function toRow(user: NewDirectoryUser, at: string): Insertable<DirectoryUser> {
  const p = user.profile;
  return {
    id: timeOrderedId(),
    tenantId: user.tenantId,
    userPrincipalName: user.userPrincipalName,
    upnKey: user.userPrincipalName.toLowerCase(),
    aliasKey: user.alias.toLowerCase(),
    domain: user.domain,
    firstName: p.firstName ?? null,
    lastName: p.lastName ?? null,
    displayName: user.displayName,
    jobTitle: p.jobTitle ?? null,
    department: p.department ?? null,
    officeNumber: p.officeNumber ?? null,
    officePhone: p.officePhone ?? null,
    mobilePhone: p.mobilePhone ?? null,
    fax: p.fax ?? null,
    alternateEmail: user.alternateEmail,
    address: p.address ?? null,
    city: p.city ?? null,
    state: p.state ?? null,
    postalCode: p.postalCode ?? null,
    country: p.country ?? null,
    usageLocation: user.usageLocation,
    accountEnabled: toDbBool(user.accountEnabled),
    slackUserId: user.slackUserId,
    source: user.source ?? 'cloud',
    passwordHash: user.passwordHash,
    passwordSetAt: at,
    forceChangePassword: toDbBool(user.forceChangePassword),
    createdAt: at,
    updatedAt: at,
    licenseError: user.licenseError ?? null,
    mailbox: user.mailbox ?? 'none',
    importJobId: user.importJobId ?? null,
    importRowNumber: user.importRowNumber ?? null,
    ...(user.externalId ? { externalId: user.externalId, mirroredAt: at } : {}),
  };
}

/** Inserts one user with its roles; a taken username or Slack link fails with `UniqueViolation` ('username' or 'slack_member'). */
export async function insertDirectoryUser(db: Db, user: NewDirectoryUser, roles: readonly Role[], at: Date): Promise<string> {
  const row = toRow(user, toDbDate(at));
  await db.insertInto('DirectoryUser').values(row).execute();
  await indexNewUsers(db, [{ ...row, id: row.id }]);
  if (roles.length > 0) {
    await db
      .insertInto('RoleAssignment')
      .values(roles.map((role) => ({ userId: row.id, role, createdAt: row.createdAt })))
      .execute();
  }
  return row.id;
}

/**
 * Inserts many users (an import batch) and returns the ids of those made, by lower-case username.
 * A username taken meanwhile (another admin, another import) is skipped, not an error: the caller
 * reports those rows as duplicates.
 */
export async function insertDirectoryUsersSkippingTaken(db: Db, users: readonly NewDirectoryUser[], at: Date): Promise<Map<string, string>> {
  const stamp = toDbDate(at);
  const rows = users.map((user) => toRow(user, stamp));
  const changed = await runEach(
    db,
    (row) =>
      db
        .insertInto('DirectoryUser')
        .values(row)
        .onConflict((conflict) => conflict.doNothing()),
    rows,
  );
  const inserted = rows.filter((_, i) => changed[i] === 1);
  await indexNewUsers(
    db,
    inserted.map((row) => ({ ...row, id: row.id ?? '' })),
  );
  return new Map(inserted.map((row) => [row.upnKey, row.id ?? '']));
}

/** Active users of an organization, read with the one column list. */
function activeUsers(db: Db, tenantId: string) {
  return db.selectFrom('DirectoryUser').select(USER_COLUMNS).where('tenantId', '=', tenantId).where('deletedAt', 'is', null);
}

/** An active user by username (any case). */
export async function activeUserByUpn(db: Db, tenantId: string, userPrincipalName: string): Promise<DirectoryUserRecord | null> {
  const row = await activeUsers(db, tenantId).where('upnKey', '=', userPrincipalName.toLowerCase()).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Active users whose alias (the part before @) is this one, at most `limit`. */
export async function activeUsersByAlias(db: Db, tenantId: string, alias: string, limit: number): Promise<DirectoryUserRecord[]> {
  const rows = await activeUsers(db, tenantId).where('aliasKey', '=', alias.toLowerCase()).orderBy('createdAt').limit(limit).execute();
  return rows.map(toRecord);
}

/** The active user linked to a Slack member, if any. */
export async function activeUserBySlackMember(db: Db, tenantId: string, slackUserId: string): Promise<DirectoryUserRecord | null> {
  const row = await activeUsers(db, tenantId).where('slackUserId', '=', slackUserId).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** The roles a user holds. */
export async function rolesOf(db: Db, userId: string): Promise<Role[]> {
  return (await rolesOfUsers(db, [userId])).get(userId) ?? [];
}

/**
 * The roles a Slack member holds in an organization: those of the active, sign-in-allowed directory
 * user linked to them (none when not linked, blocked or deleted).
 */
export async function memberRoles(db: Db, tenantId: string, slackUserId: string): Promise<{ userId: string | null; roles: Role[] }> {
  const rows = await db
    .selectFrom('DirectoryUser as u')
    .leftJoin('RoleAssignment as r', 'r.userId', 'u.id')
    .select(['u.id as userId', 'r.role as role'])
    .where('u.tenantId', '=', tenantId)
    .where('u.slackUserId', '=', slackUserId)
    .where('u.deletedAt', 'is', null)
    .where('u.accountEnabled', '=', toDbBool(true))
    .execute();
  return { userId: rows[0]?.userId ?? null, roles: rows.flatMap((row) => (row.role && isRole(row.role) ? [row.role] : [])) };
}

/** The first Global admins (by creation), for "ask a Global admin" messages. */
export async function globalAdmins(db: Db, tenantId: string, limit = 3): Promise<{ displayName: string; slackUserId: string | null }[]> {
  return db
    .selectFrom('DirectoryUser as u')
    .innerJoin('RoleAssignment as r', (join) => join.onRef('r.userId', '=', 'u.id').on('r.role', '=', 'global_admin'))
    .select(['u.displayName', 'u.slackUserId'])
    .where('u.tenantId', '=', tenantId)
    .where('u.deletedAt', 'is', null)
    .orderBy('u.createdAt')
    .limit(limit)
    .execute();
}

/** The organization's active users, counted from the partial index of active users by organization (query-plans.test.ts). */
export function countActiveUsersQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('DirectoryUser')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('tenantId', '=', tenantId)
    .where('deletedAt', 'is', null);
}

export async function countActiveUsers(db: Db, tenantId: string): Promise<number> {
  const row = await countActiveUsersQuery(db, tenantId).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Active users among these lower-case usernames: id, key, and the import job and row that made each. */
export async function activeUsersByUpnKeys(
  db: Db,
  tenantId: string,
  upnKeys: readonly string[],
): Promise<{ id: string; upnKey: string; importJobId: string | null; importRowNumber: number | null }[]> {
  if (upnKeys.length === 0) return [];
  return db
    .selectFrom('DirectoryUser')
    .select(['id', 'upnKey', 'importJobId', 'importRowNumber'])
    .where('tenantId', '=', tenantId)
    .where('upnKey', 'in', upnKeys)
    .where('deletedAt', 'is', null)
    .execute();
}

/**
 * For the initial-domain alias rule: per alias, the domain and username of its first active account
 * (deleted users do not hold an alias).
 */
export async function firstAccountsByAlias(
  db: Db,
  tenantId: string,
  aliasKeys: readonly string[],
): Promise<Map<string, { domain: string; userPrincipalName: string }>> {
  const firsts = new Map<string, { domain: string; userPrincipalName: string }>();
  if (aliasKeys.length === 0) return firsts;
  const rows = await db
    .selectFrom('DirectoryUser')
    .select(['aliasKey', 'domain', 'userPrincipalName'])
    .where('tenantId', '=', tenantId)
    .where('aliasKey', 'in', aliasKeys)
    .where('deletedAt', 'is', null)
    .orderBy('createdAt', 'desc')
    .execute();
  // Newest first, so the oldest account of each alias is the one left in the map.
  for (const row of rows) firsts.set(row.aliasKey, { domain: row.domain, userPrincipalName: row.userPrincipalName });
  return firsts;
}

/** The users an import job made, by their row number in the file, among these rows. */
export async function usersMadeByImportRows(db: Db, jobId: string, rowNumbers: readonly number[]): Promise<Map<number, { id: string; upnKey: string }>> {
  const made = new Map<number, { id: string; upnKey: string }>();
  if (rowNumbers.length === 0) return made;
  const rows = await db
    .selectFrom('DirectoryUser')
    .select(['id', 'upnKey', 'importRowNumber'])
    .where('importJobId', '=', jobId)
    .where('importRowNumber', 'in', rowNumbers)
    .where('deletedAt', 'is', null)
    .execute();
  for (const row of rows) if (row.importRowNumber !== null) made.set(row.importRowNumber, { id: row.id, upnKey: row.upnKey });
  return made;
}

/** A new password for users (hash only): it must be changed at next sign-in. */
export async function setPasswordHashes(db: Db, changes: readonly { userId: string; passwordHash: string }[], at: Date): Promise<void> {
  const stamp = toDbDate(at);
  for (const change of changes) {
    await db
      .updateTable('DirectoryUser')
      .set({ passwordHash: change.passwordHash, passwordSetAt: stamp, forceChangePassword: toDbBool(true), updatedAt: stamp })
      .where('id', '=', change.userId)
      .execute();
  }
}

/** A user's mailbox after a license change, and whether the license error (if any) still stands. */
export async function setMailboxAndLicenseError(
  db: Db,
  userId: string,
  change: { mailbox?: { state: 'none' | 'active' | 'grace'; graceEndsAt: Date | null }; licenseError?: string | null },
  at: Date,
): Promise<void> {
  await db
    .updateTable('DirectoryUser')
    .set({
      ...(change.mailbox
        ? { mailbox: change.mailbox.state, mailboxGraceEndsAt: change.mailbox.graceEndsAt ? toDbDate(change.mailbox.graceEndsAt) : null }
        : {}),
      ...(change.licenseError !== undefined ? { licenseError: change.licenseError } : {}),
      updatedAt: toDbDate(at),
    })
    .where('id', '=', userId)
    .execute();
}

const LICENSE_STATE_COLUMNS = ['id', 'tenantId', 'userPrincipalName', 'usageLocation', 'userType', 'mailbox', 'licenseError'] as const;

/** What a license change needs to know of a user. */
export interface LicenseState {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  usageLocation: string | null;
  userType: string;
  /** "none", "active" (a license with an Exchange plan) or "grace" (lost every such plan). */
  mailbox: string;
  licenseError: string | null;
}

/** What a license change needs to know of a user, if active. */
export async function licenseStateOf(db: Db, userId: string): Promise<LicenseState | null> {
  return (await licenseStatesOf(db, [userId])).get(userId) ?? null;
}

/*
 * Batch reads for changes that run over many users in one transaction (Edit many): one query per
 * kind for up to 500 users, instead of one per user.
 */

/** Active users of an organization among these ids (at most 500), read with the one column list. */
export async function activeUserRecordsByIds(db: Db, tenantId: string, userIds: readonly string[]): Promise<DirectoryUserRecord[]> {
  if (userIds.length === 0) return [];
  // By id alone (the primary key): with the tenant in the WHERE, SQLite picks a tenant index and
  // reads every user of the organization. The tenant is checked here instead.
  const rows = await db.selectFrom('DirectoryUser').select(USER_COLUMNS).where('id', 'in', userIds).where('deletedAt', 'is', null).execute();
  return rows.filter((row) => row.tenantId === tenantId).map(toRecord);
}

/** The roles of each of these users (at most 500); a user without roles has no entry. */
export async function rolesOfUsers(db: Db, userIds: readonly string[]): Promise<Map<string, Role[]>> {
  const roles = new Map<string, Role[]>();
  if (userIds.length === 0) return roles;
  const rows = await db.selectFrom('RoleAssignment').select(['userId', 'role']).where('userId', 'in', userIds).orderBy('createdAt').execute();
  for (const row of rows) {
    if (!isRole(row.role)) continue;
    const list = roles.get(row.userId);
    if (list) list.push(row.role);
    else roles.set(row.userId, [row.role]);
  }
  return roles;
}

/** The license state of each of these active users (at most 500). */
export async function licenseStatesOf(db: Db, userIds: readonly string[]): Promise<Map<string, LicenseState>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom('DirectoryUser').select(LICENSE_STATE_COLUMNS).where('id', 'in', userIds).where('deletedAt', 'is', null).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** What decides who may act on a user, as stored now: their roles, sign-in and whether deleted. Null when there is no such user. */
export async function accessStateOf(db: Db, userId: string): Promise<{ roles: Role[]; accountEnabled: boolean; deleted: boolean } | null> {
  const row = await db.selectFrom('DirectoryUser').select(['accountEnabled', 'deletedAt']).where('id', '=', userId).executeTakeFirst();
  if (!row) return null;
  return { roles: await rolesOf(db, userId), accountEnabled: fromDbBool(row.accountEnabled), deleted: row.deletedAt !== null };
}

/** A user of the organization as connecting to a tenant checks them: found there by username, or left out. */
export interface UserToMatch {
  id: string;
  userPrincipalName: string;
  displayName: string;
  slackUserId: string | null;
  accountEnabled: boolean;
  isGlobalAdmin: boolean;
}

/**
 * Active users that have no object in the connected tenant yet (no `externalId`), with an id after
 * `afterId` (by id), `limit` at a time: the users a connect that creates them goes through.
 */
export async function usersWithoutTenantObjectAfter(db: Db, tenantId: string, afterId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('DirectoryUser')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('deletedAt', 'is', null)
    .where('externalId', 'is', null)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Active users with an id after `afterId` (by id), `limit` at a time: every user, a batch at a time. */
export async function activeUsersAfter(db: Db, tenantId: string, afterId: string, limit: number): Promise<UserToMatch[]> {
  const rows = await db
    .selectFrom('DirectoryUser as u')
    .select((eb) => [
      'u.id',
      'u.userPrincipalName',
      'u.displayName',
      'u.slackUserId',
      'u.accountEnabled',
      eb
        .exists(eb.selectFrom('RoleAssignment as r').select('r.userId').whereRef('r.userId', '=', 'u.id').where('r.role', '=', 'global_admin'))
        .as('isGlobalAdmin'),
    ])
    .where('u.tenantId', '=', tenantId)
    .where('u.deletedAt', 'is', null)
    .where('u.id', '>', afterId)
    .orderBy('u.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, accountEnabled: fromDbBool(row.accountEnabled), isGlobalAdmin: Boolean(row.isGlobalAdmin) }));
}
