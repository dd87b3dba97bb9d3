import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import { fromDbBool, fromDbDate, toDbBool, toDbDate, type DbBool } from './values.js';

/** All SQL about an organization (Tenant) and its domains. */

export interface TenantRecord {
  id: string;
  slackTeamId: string;
  name: string;
  initialDomain: string;
  /** Days before a password must be changed; 0 means never. */
  passwordExpiryDays: number;
  /** Roster's own directory, or a connected Microsoft 365 tenant (the tables are then its mirror). */
  directory: DirectoryKind;
}

export type DirectoryKind = 'embedded' | 'microsoft365';

const TENANT_COLUMNS = ['id', 'slackTeamId', 'name', 'initialDomain', 'passwordExpiryDays', 'directory'] as const;

function toTenant(row: { id: string; slackTeamId: string; name: string; initialDomain: string; passwordExpiryDays: number; directory: string }): TenantRecord {
  return { ...row, directory: row.directory === 'microsoft365' ? 'microsoft365' : 'embedded' };
}

export async function tenantByTeam(db: Db, slackTeamId: string): Promise<TenantRecord | null> {
  const row = await db.selectFrom('Tenant').select(TENANT_COLUMNS).where('slackTeamId', '=', slackTeamId).executeTakeFirst();
  return row ? toTenant(row) : null;
}

/** The Slack team ids of the organizations, at most `limit` of them (to tell one from several). */
export async function tenantTeams(db: Db, limit: number): Promise<string[]> {
  return (await db.selectFrom('Tenant').select('slackTeamId').orderBy('slackTeamId').limit(limit).execute()).map((t) => t.slackTeamId);
}

export async function tenantById(db: Db, id: string): Promise<TenantRecord | null> {
  const row = await db.selectFrom('Tenant').select(TENANT_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toTenant(row) : null;
}

/** Whose directory the organization's tables are: Roster's own, or a connected tenant's mirror (then named as the tenant is). */
export async function setDirectoryKind(db: Db, tenantId: string, directory: DirectoryKind, name?: string): Promise<void> {
  await db
    .updateTable('Tenant')
    .set({ directory, ...(name ? { name } : {}) })
    .where('id', '=', tenantId)
    .execute();
}

/** Creates an organization with its initial domain (verified by construction); returns its id. */
export async function insertTenant(
  db: Db,
  tenant: { slackTeamId: string; name: string; initialDomain: string; passwordExpiryDays: number },
  at: Date,
): Promise<string> {
  const id = randomUUID();
  const createdAt = toDbDate(at);
  await db
    .insertInto('Tenant')
    .values({ id, ...tenant, createdAt })
    .execute();
  await db
    .insertInto('Domain')
    .values({ id: randomUUID(), tenantId: id, name: tenant.initialDomain, isInitial: toDbBool(true), verified: toDbBool(true), createdAt })
    .execute();
  return id;
}

/** Verified domains users can be made on: the default (when one was chosen) first, then custom ones by name, the initial one last. */
export async function usableDomains(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('Domain')
    .select('name')
    .where('tenantId', '=', tenantId)
    .where('verified', '=', toDbBool(true))
    .orderBy('isDefault', 'desc')
    .orderBy('isInitial', 'asc')
    .orderBy('name', 'asc')
    .execute();
  return rows.map((row) => row.name);
}

/** Every domain, the initial one first (as the App Home lists them). */
export async function allDomains(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db.selectFrom('Domain').select('name').where('tenantId', '=', tenantId).orderBy('isInitial', 'desc').orderBy('name', 'asc').execute();
  return rows.map((row) => row.name);
}

/** Adds a custom domain (tests and, later, domain management). */
export async function insertDomain(db: Db, tenantId: string, name: string, at: Date, verified = true): Promise<void> {
  await db
    .insertInto('Domain')
    .values({ id: randomUUID(), tenantId, name: name.toLowerCase(), isInitial: toDbBool(false), verified: toDbBool(verified), createdAt: toDbDate(at) })
    .execute();
}

/** A domain as `/users domains` shows it. */
export interface DomainRecord {
  name: string;
  isInitial: boolean;
  isDefault: boolean;
  verified: boolean;
  /** The TXT record value to publish before verifying (custom domains). */
  verificationCode: string | null;
  createdAt: Date;
}

/** Every domain of the organization: the initial one first, then by name. */
export async function domainsOf(db: Db, tenantId: string): Promise<DomainRecord[]> {
  const rows = await db
    .selectFrom('Domain')
    .select(['name', 'isInitial', 'isDefault', 'verified', 'verificationCode', 'createdAt'])
    .where('tenantId', '=', tenantId)
    .orderBy('isInitial', 'desc')
    .orderBy('name', 'asc')
    .execute();
  return rows.map((row) => ({
    name: row.name,
    isInitial: fromDbBool(row.isInitial as DbBool),
    isDefault: fromDbBool(row.isDefault as DbBool),
    verified: fromDbBool(row.verified as DbBool),
    verificationCode: row.verificationCode,
    createdAt: fromDbDate(row.createdAt),
  }));
}

/** The organization that holds this domain (verified), if any: a domain belongs to one organization. */
export async function organizationHoldingDomain(db: Db, name: string): Promise<string | null> {
  const row = await db.selectFrom('Domain').select('tenantId').where('name', '=', name.toLowerCase()).where('verified', '=', toDbBool(true)).executeTakeFirst();
  return row?.tenantId ?? null;
}

/** Adds an unverified custom domain with the TXT value that will verify it. */
export async function insertUnverifiedDomain(db: Db, tenantId: string, name: string, verificationCode: string, at: Date): Promise<void> {
  await db
    .insertInto('Domain')
    .values({
      id: randomUUID(),
      tenantId,
      name: name.toLowerCase(),
      isInitial: toDbBool(false),
      verified: toDbBool(false),
      verificationCode,
      createdAt: toDbDate(at),
    })
    .execute();
}

export async function markDomainVerified(db: Db, tenantId: string, name: string): Promise<boolean> {
  const result = await db
    .updateTable('Domain')
    .set({ verified: toDbBool(true) })
    .where('tenantId', '=', tenantId)
    .where('name', '=', name)
    .where('verified', '=', toDbBool(false))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Makes `name` the default (one per organization: the old default is cleared first, in the caller's transaction). */
export async function setDefaultDomain(db: Db, tenantId: string, name: string): Promise<void> {
  await db
    .updateTable('Domain')
    .set({ isDefault: toDbBool(false) })
    .where('tenantId', '=', tenantId)
    .where('isDefault', '=', toDbBool(true))
    .execute();
  await db
    .updateTable('Domain')
    .set({ isDefault: toDbBool(true) })
    .where('tenantId', '=', tenantId)
    .where('name', '=', name)
    .execute();
}

export async function deleteDomain(db: Db, tenantId: string, name: string): Promise<boolean> {
  const result = await db
    .deleteFrom('Domain')
    .where('tenantId', '=', tenantId)
    .where('name', '=', name)
    .where('isInitial', '=', toDbBool(false))
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Users (active or deleted but restorable) whose username is on the domain. */
export async function countUsersOnDomain(db: Db, tenantId: string, name: string): Promise<number> {
  const row = await db
    .selectFrom('DirectoryUser')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('tenantId', '=', tenantId)
    .where('userPrincipalName', 'like', `%@${name}`)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Deletes an organization and every row about it: its jobs (and their outcomes), search terms,
 * change feed rows and App Home watches, then the organization, whose domains, subscriptions,
 * seats, users (with their roles and licenses), views, audit, imports, pending credentials and
 * import channels go with it (their foreign keys cascade). The workspace's Slack installation stays.
 */
export async function deleteTenantWithData(db: Db, tenant: { id: string; slackTeamId: string }): Promise<void> {
  const jobs = db.selectFrom('Job').select('id').where('tenantId', '=', tenant.id);
  await db.deleteFrom('JobOutcome').where('jobId', 'in', jobs).execute();
  await db.deleteFrom('Job').where('tenantId', '=', tenant.id).execute();
  await db.deleteFrom('UserSearchTerm').where('tenantId', '=', tenant.id).execute();
  await db.deleteFrom('ChangeEvent').where('tenantId', '=', tenant.id).execute();
  await db.deleteFrom('HomeWatch').where('teamId', '=', tenant.slackTeamId).execute();
  await db.deleteFrom('Tenant').where('id', '=', tenant.id).execute();
}
