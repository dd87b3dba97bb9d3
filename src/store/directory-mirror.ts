import type { Insertable, Updateable } from 'kysely';
import type { DirectoryUser } from '../generated/kysely/database.js';
import type { MirrorChange, MirrorCounts, MirroredUser } from '../domain/mirror.js';
import { PROFILE_FIELD_NAMES } from '../domain/profile-fields.js';
import { type Db, runEach } from './database.js';
import { timeOrderedId } from './row-ids.js';
import { indexNewUsers, reindexUser } from './user-search.js';
import { toDbBool, toDbDate, toDbJson } from './values.js';

/**
 * The mirror of a connected tenant: all SQL that records in Roster's tables what the tenant says
 * its users are (src/directory/microsoft-mirror.ts calls it, in the sync's transactions). Users are
 * matched by their object id in the tenant (`externalId`), else, the first time, by username (a user
 * of Roster's own directory found in the tenant becomes that user, keeping its Slack link and roles).
 * Seats are the tenant's counts: the pools are set, never taken (seat-ledger.ts takes seats for
 * Roster's own changes).
 */

const PROFILE_COLUMNS = PROFILE_FIELD_NAMES.filter((f) => f !== 'displayName');

function splitUpn(upn: string): { alias: string; domain: string } {
  const at = upn.lastIndexOf('@');
  return { alias: at < 0 ? upn : upn.slice(0, at), domain: at < 0 ? '' : upn.slice(at + 1).toLowerCase() };
}

/** The changed columns of a user the tenant reported (only what it carried). */
function changedColumns(user: MirroredUser, stamp: string): Updateable<DirectoryUser> {
  const set: Updateable<DirectoryUser> = { externalId: user.externalId, mirroredAt: stamp, updatedAt: stamp };
  if (user.userPrincipalName !== undefined) {
    const { alias, domain } = splitUpn(user.userPrincipalName);
    Object.assign(set, { userPrincipalName: user.userPrincipalName, upnKey: user.userPrincipalName.toLowerCase(), aliasKey: alias.toLowerCase(), domain });
  }
  if (user.displayName !== undefined) set.displayName = user.displayName;
  for (const field of PROFILE_COLUMNS) if (user.profile && field in user.profile) set[field] = user.profile[field] ?? null;
  if (user.alternateEmail !== undefined) set.alternateEmail = user.alternateEmail;
  if (user.mail !== undefined) set.mailKey = user.mail?.toLowerCase() ?? null;
  if (user.usageLocation !== undefined) set.usageLocation = user.usageLocation;
  if (user.accountEnabled !== undefined) set.accountEnabled = toDbBool(user.accountEnabled);
  if (user.userType !== undefined) set.userType = user.userType;
  if (user.source !== undefined) set.source = user.source;
  if (user.mailbox !== undefined) Object.assign(set, { mailbox: user.mailbox, mailboxGraceEndsAt: null });
  if (user.passwordSetAt !== undefined) set.passwordSetAt = toDbDate(user.passwordSetAt);
  if (user.managerExternalId !== undefined) set.managerExternalId = user.managerExternalId;
  return set;
}

/** A user the tenant reported that Roster did not have: every column, those not reported left empty. */
function newRow(tenantId: string, user: MirroredUser & { userPrincipalName: string }, stamp: string): Insertable<DirectoryUser> {
  const upn = user.userPrincipalName;
  const { alias, domain } = splitUpn(upn);
  const profile = user.profile ?? {};
  const created = user.createdAt ? toDbDate(user.createdAt) : stamp;
  return {
    id: timeOrderedId(),
    tenantId,
    userPrincipalName: upn,
    upnKey: upn.toLowerCase(),
    aliasKey: alias.toLowerCase(),
    domain,
    firstName: profile.firstName ?? null,
    lastName: profile.lastName ?? null,
    displayName: user.displayName ?? upn,
    jobTitle: profile.jobTitle ?? null,
    department: profile.department ?? null,
    officeNumber: profile.officeNumber ?? null,
    officePhone: profile.officePhone ?? null,
    mobilePhone: profile.mobilePhone ?? null,
    fax: profile.fax ?? null,
    alternateEmail: user.alternateEmail ?? null,
    mailKey: user.mail?.toLowerCase() ?? null,
    address: profile.address ?? null,
    city: profile.city ?? null,
    state: profile.state ?? null,
    postalCode: profile.postalCode ?? null,
    country: profile.country ?? null,
    usageLocation: user.usageLocation ?? null,
    accountEnabled: toDbBool(user.accountEnabled ?? true),
    userType: user.userType ?? 'member',
    source: user.source ?? 'cloud',
    slackUserId: null,
    // The tenant keeps the password: Roster holds no hash of it.
    passwordHash: '',
    passwordSetAt: user.passwordSetAt ? toDbDate(user.passwordSetAt) : created,
    forceChangePassword: toDbBool(false),
    createdAt: created,
    updatedAt: stamp,
    mailbox: user.mailbox ?? 'none',
    externalId: user.externalId,
    mirroredAt: stamp,
    managerExternalId: user.managerExternalId ?? null,
  };
}

/** A page may name a user twice (Graph says it can): what it says last wins, a user's fields merged. */
function oncePerUser(changes: readonly MirrorChange[]): MirrorChange[] {
  const byId = new Map<string, MirrorChange>();
  for (const change of changes) {
    const id = change.kind === 'user' ? change.user.externalId : change.externalId;
    const before = byId.get(id);
    byId.delete(id);
    if (before?.kind === 'user' && change.kind === 'user')
      byId.set(id, { kind: 'user', user: { ...before.user, ...change.user, profile: { ...before.user.profile, ...change.user.profile } } });
    else byId.set(id, change);
  }
  return [...byId.values()];
}

interface Known {
  id: string;
  externalId: string | null;
  upnKey: string;
  deleted: boolean;
}

/**
 * Records one page of changes (a transaction's worth: a few hundred users). A username another
 * user of the mirror still holds (two users swapped names in the tenant, and only one has come yet)
 * is set aside on that user until their own change comes.
 */
export async function applyMirrorChanges(db: Db, tenantId: string, page: readonly MirrorChange[], at: Date): Promise<MirrorCounts> {
  const stamp = toDbDate(at);
  const counts: MirrorCounts = { added: 0, changed: 0, removed: 0 };
  const changes = oncePerUser(page);
  if (changes.length === 0) return counts;
  const externalIds = [...new Set(changes.map((c) => (c.kind === 'user' ? c.user.externalId : c.externalId)))];
  const known = new Map<string, Known>();
  for (const row of await db
    .selectFrom('DirectoryUser')
    .select(['id', 'externalId', 'upnKey', 'deletedAt'])
    .where('tenantId', '=', tenantId)
    .where('externalId', 'in', externalIds)
    .execute())
    known.set(row.externalId!, { id: row.id, externalId: row.externalId, upnKey: row.upnKey, deleted: row.deletedAt !== null });
  const users = changes.flatMap((c) => (c.kind === 'user' ? [c.user] : []));
  const upnKeys = [...new Set(users.flatMap((u) => (u.userPrincipalName ? [u.userPrincipalName.toLowerCase()] : [])))];
  const holders =
    upnKeys.length === 0
      ? []
      : await db
          .selectFrom('DirectoryUser')
          .select(['id', 'externalId', 'upnKey'])
          .where('tenantId', '=', tenantId)
          .where('upnKey', 'in', upnKeys)
          .where('deletedAt', 'is', null)
          .execute();
  // Who holds each username the page names, kept current as the page renames, adopts and parks users.
  const holderOf = new Map(holders.map((h) => [h.upnKey, h]));
  const nowHolds = (key: string, id: string, externalId: string) => {
    for (const [held, h] of holderOf) if (h.id === id) holderOf.delete(held);
    holderOf.set(key, { id, externalId, upnKey: key });
  };
  const inserts: Insertable<DirectoryUser>[] = [];
  const licensed: { userId: string; licenses: NonNullable<MirroredUser['licenses']> }[] = [];
  for (const change of changes) {
    if (change.kind !== 'user') {
      const row = known.get(change.externalId);
      if (!row) continue;
      if (change.kind === 'purged') await purgeMirroredUser(db, row.id);
      else if (!row.deleted) await softDeleteMirroredUser(db, row.id, stamp);
      else continue;
      counts.removed += 1;
      continue;
    }
    const { user } = change;
    const key = user.userPrincipalName?.toLowerCase();
    const holder = key ? holderOf.get(key) : undefined;
    let row = known.get(user.externalId);
    if (!row && holder && holder.externalId === null) {
      // A user of Roster's own directory found in the tenant: it becomes that user (Slack link and roles kept).
      row = { id: holder.id, externalId: null, upnKey: holder.upnKey, deleted: false };
      holderOf.delete(key!);
    } else if (holder && holder.externalId !== user.externalId && holder.id !== row?.id) {
      await db
        .updateTable('DirectoryUser')
        .set({ upnKey: `${holder.upnKey}#${holder.id}` })
        .where('id', '=', holder.id)
        .execute();
      holderOf.delete(key!);
    }
    if (!row) {
      // A change to a user the mirror does not have, without their username: nothing to make a user from.
      if (!user.userPrincipalName) continue;
      const inserted = newRow(tenantId, { ...user, userPrincipalName: user.userPrincipalName }, stamp);
      inserts.push(inserted);
      known.set(user.externalId, { id: inserted.id!, externalId: user.externalId, upnKey: inserted.upnKey, deleted: false });
      nowHolds(inserted.upnKey, inserted.id!, user.externalId);
      if (user.licenses) licensed.push({ userId: inserted.id!, licenses: user.licenses });
      counts.added += 1;
      continue;
    }
    const set = changedColumns(user, stamp);
    if (row.deleted) Object.assign(set, { deletedAt: null, deletedLicenses: null });
    await db.updateTable('DirectoryUser').set(set).where('id', '=', row.id).execute();
    if (key) nowHolds(key, row.id, user.externalId);
    if (row.deleted || user.displayName !== undefined || user.userPrincipalName !== undefined) await reindexUser(db, row.id);
    if (user.licenses) licensed.push({ userId: row.id, licenses: user.licenses });
    if (row.deleted) counts.added += 1;
    else counts.changed += 1;
    row.deleted = false;
  }
  if (inserts.length > 0) {
    await runEach(db, (row) => db.insertInto('DirectoryUser').values(row), inserts);
    await indexNewUsers(
      db,
      inserts.map((row) => ({ id: row.id!, tenantId, upnKey: row.upnKey, aliasKey: row.aliasKey, displayName: row.displayName })),
    );
  }
  await replaceLicenses(db, tenantId, licensed, stamp);
  await resolveManagers(db, tenantId, externalIds, stamp);
  return counts;
}

/** The users of a sync page, by their tenant ids (the partial unique index on tenantId, externalId). */
export function pageUsersQuery(db: Db, tenantId: string, externalIds: readonly string[]) {
  return db
    .selectFrom('DirectoryUser')
    .select(['id', 'managerId', 'managerExternalId'])
    .where('tenantId', '=', tenantId)
    .where('externalId', 'is not', null)
    .where('externalId', 'in', externalIds);
}

/** The users whose manager is one of a sync page's users (the index on tenantId, managerExternalId). */
export function reportsOfPageQuery(db: Db, tenantId: string, externalIds: readonly string[]) {
  return db
    .selectFrom('DirectoryUser')
    .select(['id', 'managerId', 'managerExternalId'])
    .where('tenantId', '=', tenantId)
    .where('managerExternalId', 'in', externalIds);
}

/**
 * Each user's manager (`managerId`) follows the tenant's (`managerExternalId`), for the page's users
 * and for users whose manager the page brought: a manager read after their reports (a later page)
 * is linked once read; one the mirror does not have leaves the user without a manager until then.
 */
async function resolveManagers(db: Db, tenantId: string, externalIds: readonly string[], stamp: string): Promise<void> {
  // Two reads, each by its own index: one read with "externalId IN … OR managerExternalId IN …"
  // made SQLite scan every user of the organization for each page (a first sync of 100,000 users
  // took 19.6 s instead of 6.4 s).
  const byId = new Map<string, { id: string; managerId: string | null; managerExternalId: string | null }>();
  for (const row of [...(await pageUsersQuery(db, tenantId, externalIds).execute()), ...(await reportsOfPageQuery(db, tenantId, externalIds).execute())])
    byId.set(row.id, row);
  const rows = [...byId.values()];
  const wanted = [...new Set(rows.flatMap((r) => (r.managerExternalId ? [r.managerExternalId] : [])))];
  const managers = new Map<string, string>();
  if (wanted.length > 0)
    for (const m of await db
      .selectFrom('DirectoryUser')
      .select(['id', 'externalId'])
      .where('tenantId', '=', tenantId)
      .where('externalId', 'in', wanted)
      .execute())
      managers.set(m.externalId!, m.id);
  for (const row of rows) {
    const managerId = row.managerExternalId ? (managers.get(row.managerExternalId) ?? null) : null;
    if (managerId !== row.managerId) await db.updateTable('DirectoryUser').set({ managerId, updatedAt: stamp }).where('id', '=', row.id).execute();
  }
}

/** The licenses of these users become exactly the ones given (the tenant's seat counts are set apart, see setMirroredProducts). */
async function replaceLicenses(
  db: Db,
  tenantId: string,
  users: readonly { userId: string; licenses: { skuId: string; disabledPlans: string[] }[] }[],
  stamp: string,
) {
  if (users.length === 0) return;
  for (let i = 0; i < users.length; i += 500) {
    const ids = users.slice(i, i + 500).map((u) => u.userId);
    await db.deleteFrom('LicenseAssignment').where('userId', 'in', ids).execute();
  }
  const rows = users.flatMap((u) =>
    u.licenses.map((l) => ({ userId: u.userId, tenantId, skuId: l.skuId, disabledPlans: toDbJson(l.disabledPlans), assignedAt: stamp })),
  );
  await runEach(db, (row) => db.insertInto('LicenseAssignment').values(row), rows);
}

/** Deleted in the tenant (restorable there for 30 days): the user goes to Roster's deleted users, their licenses remembered. */
async function softDeleteMirroredUser(db: Db, userId: string, stamp: string): Promise<void> {
  const licenses = await db.selectFrom('LicenseAssignment').select(['skuId', 'disabledPlans']).where('userId', '=', userId).execute();
  const remembered = licenses.map((l) => ({ skuId: l.skuId, disabledPlans: JSON.parse(l.disabledPlans) as string[] }));
  await db
    .updateTable('DirectoryUser')
    .set({ deletedAt: stamp, deletedLicenses: toDbJson(remembered), updatedAt: stamp })
    .where('id', '=', userId)
    .where('deletedAt', 'is', null)
    .execute();
  await db.deleteFrom('LicenseAssignment').where('userId', '=', userId).execute();
  await reindexUser(db, userId);
}

/** Gone for good in the tenant: gone from Roster, with its roles, licenses and search terms. */
async function purgeMirroredUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('UserSearchTerm').where('userId', '=', userId).execute();
  await db.deleteFrom('RoleAssignment').where('userId', '=', userId).execute();
  await db.deleteFrom('LicenseAssignment').where('userId', '=', userId).execute();
  await db.deleteFrom('DirectoryUser').where('id', '=', userId).execute();
}

/**
 * After a full read of the tenant: up to `limit` active users it did not report since `since`
 * (users of Roster's own directory not in the tenant, or users gone while Roster could not read
 * the changes) go to the deleted users. Returns how many; call again until none are left.
 */
export async function deleteUsersNotMirroredSince(db: Db, tenantId: string, since: Date, limit: number, at: Date): Promise<number> {
  const rows = await db
    .selectFrom('DirectoryUser')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('deletedAt', 'is', null)
    .where((eb) => eb.or([eb('mirroredAt', 'is', null), eb('mirroredAt', '<', toDbDate(since))]))
    .limit(limit)
    .execute();
  const stamp = toDbDate(at);
  for (const row of rows) await softDeleteMirroredUser(db, row.id, stamp);
  return rows.length;
}
