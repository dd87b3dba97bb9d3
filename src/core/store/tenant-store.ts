import type Database from 'better-sqlite3';
import { isRole, type Role } from '../roles.js';
import { statement } from './statements.js';

export interface TenantRecord {
  id: string;
  slackTeamId: string;
  name: string;
  initialDomain: string;
  passwordExpiryDays: number;
}

export interface PoolRecord {
  skuId: string;
  partNumber: string;
  total: number;
  assigned: number;
}

export function tenantByTeam(db: Database.Database, teamId: string): TenantRecord | null {
  return (statement(db, 'SELECT id, slackTeamId, name, initialDomain, passwordExpiryDays FROM Tenant WHERE slackTeamId = ?').get(teamId) as TenantRecord | undefined) ?? null;
}

/** The directory user a Slack member is, and their roles (none when not linked, blocked or deleted). */
export function memberRoles(db: Database.Database, tenantId: string, slackUserId: string): { userId: string | null; roles: Role[] } {
  const rows = statement(
    db,
    `SELECT u.id AS userId, r.role AS role FROM DirectoryUser u LEFT JOIN RoleAssignment r ON r.userId = u.id
     WHERE u.tenantId = ? AND u.slackUserId = ? AND u.deletedAt IS NULL AND u.accountEnabled = 1`,
  ).all(tenantId, slackUserId) as { userId: string; role: string | null }[];
  return { userId: rows[0]?.userId ?? null, roles: rows.map((r) => r.role ?? '').filter(isRole) };
}

/** Verified domains, the initial one last (custom domains are what users are usually made on). */
export function tenantDomains(db: Database.Database, tenantId: string): string[] {
  return (statement(db, 'SELECT name FROM Domain WHERE tenantId = ? AND verified = 1 ORDER BY isInitial ASC, name ASC').all(tenantId) as { name: string }[]).map(
    (d) => d.name,
  );
}

export function licensePools(db: Database.Database, tenantId: string): PoolRecord[] {
  return statement(db, 'SELECT skuId, partNumber, total, assigned FROM LicensePool WHERE tenantId = ?').all(tenantId) as PoolRecord[];
}

export function globalAdmins(db: Database.Database, tenantId: string, limit = 3): { displayName: string; slackUserId: string | null }[] {
  return statement(
    db,
    `SELECT u.displayName, u.slackUserId FROM DirectoryUser u JOIN RoleAssignment r ON r.userId = u.id AND r.role = 'global_admin'
     WHERE u.tenantId = ? AND u.deletedAt IS NULL ORDER BY u.createdAt ASC LIMIT ?`,
  ).all(tenantId, limit) as { displayName: string; slackUserId: string | null }[];
}
