import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Tenant } from '../generated/kysely/database.js';
import type { Db } from './database.js';
import { toDbBool, toDbDate } from './values.js';

/** All SQL about an organization (Tenant) and its domains. */

export type TenantRecord = Pick<Selectable<Tenant>, 'id' | 'slackTeamId' | 'name' | 'initialDomain' | 'passwordExpiryDays'>;

const TENANT_COLUMNS = ['id', 'slackTeamId', 'name', 'initialDomain', 'passwordExpiryDays'] as const;

export async function tenantByTeam(db: Db, slackTeamId: string): Promise<TenantRecord | null> {
  return (await db.selectFrom('Tenant').select(TENANT_COLUMNS).where('slackTeamId', '=', slackTeamId).executeTakeFirst()) ?? null;
}

/** The Slack team ids of the organizations, at most `limit` of them (to tell one from several). */
export async function tenantTeams(db: Db, limit: number): Promise<string[]> {
  return (await db.selectFrom('Tenant').select('slackTeamId').orderBy('slackTeamId').limit(limit).execute()).map((t) => t.slackTeamId);
}

export async function tenantById(db: Db, id: string): Promise<TenantRecord | null> {
  return (await db.selectFrom('Tenant').select(TENANT_COLUMNS).where('id', '=', id).executeTakeFirst()) ?? null;
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

/** Verified domains users can be made on, the initial one last (custom domains are the usual choice). */
export async function usableDomains(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('Domain')
    .select('name')
    .where('tenantId', '=', tenantId)
    .where('verified', '=', toDbBool(true))
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
