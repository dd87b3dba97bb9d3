import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { DB } from '../generated/kysely/database.js';
import type { Db } from './database.js';
import { foldAsSqlLower, fromDbBool, fromDbDate, toDbBool } from './values.js';
import type { ListedUser } from '../domain/listed-user.js';

/**
 * All SQL of the user lists (standard and custom views, the CSV export): a filter whose conditions
 * must all hold, over active users in (displayName, id) order, paged by keyset so a page stays right
 * while users are added or deleted between pages. The partial indexes of migration
 * 20261203083636_user_views keep every page an index walk.
 */

/** Conditions on users; every one given must hold. Text fields compare exactly as stored. */
export interface UserFilter {
  domain?: string;
  signIn?: 'allowed' | 'blocked';
  usageLocation?: string;
  /** Holds a license of this product. */
  skuId?: string;
  department?: string;
  city?: string;
  state?: string;
  country?: string;
  jobTitle?: string;
  /** Reports to the active user with this username (lower case). */
  manager?: string;
  syncedOnly?: boolean;
  withErrors?: boolean;
  unlicensed?: boolean;
  /** No license, and a mailbox (active or in its grace period) or archive kept. */
  unlicensedWithMailbox?: boolean;
  licensed?: boolean;
  guests?: boolean;
  /** Holds this admin role. */
  role?: string;
}

/** Where a page starts or ends: the (displayName, id) of a row. */
export interface Cursor {
  displayName: string;
  id: string;
}

export interface UserPage {
  rows: ListedUser[];
  hasPrevious: boolean;
  hasNext: boolean;
}

type Eb = ExpressionBuilder<DB, 'DirectoryUser'>;

/** Codes, matched exactly. */
const CODE_FIELDS = ['domain', 'usageLocation'] as const;
/** Profile text typed by people ("Sales", "sales"): matched without regard to (ASCII) case, as the database's lower() folds a column. */
export const PROFILE_FIELDS = ['department', 'city', 'state', 'country', 'jobTitle'] as const;

function conditions(eb: Eb, tenantId: string, filter: UserFilter): Expression<SqlBool>[] {
  const where: Expression<SqlBool>[] = [eb('DirectoryUser.tenantId', '=', tenantId), eb('DirectoryUser.deletedAt', 'is', null)];
  for (const field of CODE_FIELDS) {
    const value = filter[field];
    if (value !== undefined) where.push(eb(`DirectoryUser.${field}`, '=', value));
  }
  for (const field of PROFILE_FIELDS) {
    const value = filter[field];
    if (value !== undefined) where.push(eb(eb.fn('lower', [`DirectoryUser.${field}`]), '=', foldAsSqlLower(value)));
  }
  if (filter.signIn) where.push(eb('DirectoryUser.accountEnabled', '=', toDbBool(filter.signIn === 'allowed')));
  if (filter.syncedOnly) where.push(eb('DirectoryUser.source', '=', 'synced'));
  if (filter.withErrors) where.push(eb('DirectoryUser.licenseError', 'is not', null));
  if (filter.guests) where.push(eb('DirectoryUser.userType', '=', 'guest'));
  const anyLicense = () => eb.exists(eb.selectFrom('LicenseAssignment as l').select('l.skuId').whereRef('l.userId', '=', 'DirectoryUser.id'));
  if (filter.licensed) where.push(anyLicense());
  if (filter.unlicensed || filter.unlicensedWithMailbox) where.push(eb.not(anyLicense()));
  if (filter.unlicensedWithMailbox) where.push(eb('DirectoryUser.mailbox', 'in', ['active', 'grace']));
  if (filter.skuId !== undefined) {
    const skuId = filter.skuId;
    where.push(eb.exists(eb.selectFrom('LicenseAssignment as l').select('l.skuId').whereRef('l.userId', '=', 'DirectoryUser.id').where('l.skuId', '=', skuId)));
  }
  if (filter.manager !== undefined) {
    const upnKey = filter.manager.toLowerCase();
    where.push(
      eb(
        'DirectoryUser.managerId',
        'in',
        eb.selectFrom('DirectoryUser as m').select('m.id').where('m.tenantId', '=', tenantId).where('m.upnKey', '=', upnKey).where('m.deletedAt', 'is', null),
      ),
    );
  }
  if (filter.role !== undefined) {
    const role = filter.role;
    where.push(eb('DirectoryUser.id', 'in', eb.selectFrom('RoleAssignment as r').select('r.userId').where('r.role', '=', role)));
  }
  return where;
}

function filtered(db: Db, tenantId: string, filter: UserFilter) {
  return db.selectFrom('DirectoryUser').where((eb) => eb.and(conditions(eb, tenantId, filter)));
}

/** One page of a view: after `after` (next), or before `before` (previous), or the first page. */
export async function listUsersPage(db: Db, tenantId: string, filter: UserFilter, page: { after?: Cursor; before?: Cursor; limit: number }): Promise<UserPage> {
  if (filter.role !== undefined) return roleMembersPage(db, tenantId, filter.role, page);
  const backwards = page.before !== undefined && page.after === undefined;
  const columns = [
    'DirectoryUser.id',
    'DirectoryUser.displayName',
    'DirectoryUser.userPrincipalName',
    'DirectoryUser.accountEnabled',
    'DirectoryUser.licenseError',
  ] as const;
  let query = filtered(db, tenantId, filter).select(columns);
  if (page.after) {
    const c = page.after;
    query = query.where((eb) => eb(eb.refTuple('DirectoryUser.displayName', 'DirectoryUser.id'), '>', eb.tuple(c.displayName, c.id)));
  } else if (page.before) {
    const c = page.before;
    query = query.where((eb) => eb(eb.refTuple('DirectoryUser.displayName', 'DirectoryUser.id'), '<', eb.tuple(c.displayName, c.id)));
  }
  const order = backwards ? 'desc' : 'asc';
  const found = await query
    .orderBy('DirectoryUser.displayName', order)
    .orderBy('DirectoryUser.id', order)
    .limit(page.limit + 1)
    .execute();
  const more = found.length > page.limit;
  const rows = found.slice(0, page.limit);
  if (backwards) rows.reverse();
  const licenses = await licensesByUser(
    db,
    rows.map((row) => row.id),
  );
  const listed = rows.map((row) => ({
    id: row.id,
    displayName: row.displayName,
    userPrincipalName: row.userPrincipalName,
    accountEnabled: fromDbBool(row.accountEnabled),
    licenseError: row.licenseError,
    skuIds: licenses.get(row.id) ?? [],
  }));
  const first = listed[0];
  const last = listed[listed.length - 1];
  return {
    rows: listed,
    hasPrevious: backwards ? more : first ? await exists(db, tenantId, filter, first, '<') : page.after !== undefined,
    hasNext: backwards ? (last ? await exists(db, tenantId, filter, last, '>') : page.before !== undefined) : more,
  };
}

const compareKeys = (a: Cursor, b: Cursor) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A page of the holders of an admin role. Admins are few, but walking the name index for them would
 * read every user: so they are read from the role index, then paged here.
 */
async function roleMembersPage(db: Db, tenantId: string, role: string, page: { after?: Cursor; before?: Cursor; limit: number }): Promise<UserPage> {
  const members = await roleMembers(db, tenantId, role);
  const start = page.after
    ? members.findIndex((m) => compareKeys(m, page.after!) > 0)
    : page.before
      ? Math.max(0, firstAtOrAfter(members, page.before) - page.limit)
      : 0;
  const from = start < 0 ? members.length : start;
  const end = page.before && !page.after ? firstAtOrAfter(members, page.before) : from + page.limit;
  const rows = members.slice(from, end);
  const licenses = await licensesByUser(
    db,
    rows.map((row) => row.id),
  );
  return { rows: rows.map((row) => ({ ...row, skuIds: licenses.get(row.id) ?? [] })), hasPrevious: from > 0, hasNext: end < members.length };
}

function firstAtOrAfter(members: Cursor[], at: Cursor): number {
  const i = members.findIndex((m) => compareKeys(m, at) >= 0);
  return i < 0 ? members.length : i;
}

async function roleMembers(db: Db, tenantId: string, role: string): Promise<Omit<ListedUser, 'skuIds'>[]> {
  const rows = await db
    .selectFrom('RoleAssignment as r')
    .innerJoin('DirectoryUser as u', 'u.id', 'r.userId')
    .select(['u.id', 'u.displayName', 'u.userPrincipalName', 'u.accountEnabled', 'u.licenseError'])
    .where('r.role', '=', role)
    .where('u.tenantId', '=', tenantId)
    .where('u.deletedAt', 'is', null)
    .execute();
  return rows.map((row) => ({ ...row, accountEnabled: fromDbBool(row.accountEnabled) })).sort(compareKeys);
}

async function exists(db: Db, tenantId: string, filter: UserFilter, at: Cursor, side: '<' | '>'): Promise<boolean> {
  const row = await filtered(db, tenantId, filter)
    .select('DirectoryUser.id')
    .where((eb) => eb(eb.refTuple('DirectoryUser.displayName', 'DirectoryUser.id'), side, eb.tuple(at.displayName, at.id)))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** How many users a view holds, counting at most `cap` (a count of 100,000 rows is not free). */
export async function countUsers(db: Db, tenantId: string, filter: UserFilter, cap: number): Promise<{ count: number; capped: boolean }> {
  if (filter.role !== undefined) return { count: (await roleMembers(db, tenantId, filter.role)).length, capped: false };
  if (cap >= Number.MAX_SAFE_INTEGER) {
    // Counted in full (All users): a plain count, which reads only the narrow active-users index.
    const all = await filtered(db, tenantId, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { count: Number(all.n), capped: false };
  }
  const row = await db
    .selectFrom(
      filtered(db, tenantId, filter)
        .select('DirectoryUser.id')
        .limit(cap + 1)
        .as('matching'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  return n > cap ? { count: cap, capped: true } : { count: n, capped: false };
}

/** The product ids each of these users holds. */
export async function licensesByUser(db: Db, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  if (userIds.length === 0) return byUser;
  const rows = await db.selectFrom('LicenseAssignment').select(['userId', 'skuId']).where('userId', 'in', userIds).orderBy('assignedAt').execute();
  for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.skuId]);
  return byUser;
}

/** Every column the CSV export writes, for one chunk of a view after `after`. */
export async function exportChunk(db: Db, tenantId: string, filter: UserFilter, after: Cursor | undefined, limit: number) {
  let query = filtered(db, tenantId, filter).select([
    'DirectoryUser.id',
    'DirectoryUser.displayName',
    'DirectoryUser.userPrincipalName',
    'DirectoryUser.firstName',
    'DirectoryUser.lastName',
    'DirectoryUser.accountEnabled',
    'DirectoryUser.usageLocation',
    'DirectoryUser.department',
    'DirectoryUser.jobTitle',
    'DirectoryUser.city',
    'DirectoryUser.state',
    'DirectoryUser.country',
    'DirectoryUser.officeNumber',
    'DirectoryUser.officePhone',
    'DirectoryUser.mobilePhone',
    'DirectoryUser.fax',
    'DirectoryUser.address',
    'DirectoryUser.postalCode',
    'DirectoryUser.createdAt',
    'DirectoryUser.alternateEmail',
    'DirectoryUser.userType',
    'DirectoryUser.source',
    'DirectoryUser.licenseError',
    // The manager's username (a primary-key look-up per row); a deleted manager is still named, as on /users show.
    (eb) =>
      eb.selectFrom('DirectoryUser as manager').select('manager.userPrincipalName').whereRef('manager.id', '=', 'DirectoryUser.managerId').as('managerUpn'),
  ]);
  if (after) query = query.where((eb) => eb(eb.refTuple('DirectoryUser.displayName', 'DirectoryUser.id'), '>', eb.tuple(after.displayName, after.id)));
  const rows = await query.orderBy('DirectoryUser.displayName').orderBy('DirectoryUser.id').limit(limit).execute();
  const licenses = await licensesByUser(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    ...row,
    accountEnabled: fromDbBool(row.accountEnabled),
    createdAt: fromDbDate(row.createdAt),
    skuIds: licenses.get(row.id) ?? [],
  }));
}

export type ExportRow = Awaited<ReturnType<typeof exportChunk>>[number];

/** List rows of these active users, in the order of `ids` (for search results). */
export async function listRowsByIds(db: Db, ids: readonly string[]): Promise<ListedUser[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('DirectoryUser')
    .select(['id', 'displayName', 'userPrincipalName', 'accountEnabled', 'licenseError'])
    .where('id', 'in', ids)
    .where('deletedAt', 'is', null)
    .execute();
  const licenses = await licensesByUser(db, ids);
  const byId = new Map(rows.map((row) => [row.id, { ...row, accountEnabled: fromDbBool(row.accountEnabled), skuIds: licenses.get(row.id) ?? [] }]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The values of a profile field the organization's users have, starting with `typed` (any case), A to Z. */
export async function profileValuesInUse(db: Db, tenantId: string, field: (typeof PROFILE_FIELDS)[number], typed: string, limit: number): Promise<string[]> {
  const column = `DirectoryUser.${field}` as const;
  let query = db
    .selectFrom('DirectoryUser')
    .select(column)
    .distinct()
    .where('DirectoryUser.tenantId', '=', tenantId)
    .where('DirectoryUser.deletedAt', 'is', null)
    .where(column, 'is not', null)
    .where(column, '!=', '');
  const prefix = typed.trim();
  // The first characters, folded as the database's lower() folds the column (no LIKE: nothing to escape).
  if (prefix) query = query.where((eb) => eb(eb.fn('substr', [eb.fn('lower', [column]), eb.val(1), eb.val([...prefix].length)]), '=', foldAsSqlLower(prefix)));
  const rows = await query.orderBy(column).limit(limit).execute();
  return rows.map((row) => (row as Record<string, string | null>)[field] ?? '').filter(Boolean);
}
