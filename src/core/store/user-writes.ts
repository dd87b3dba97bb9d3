import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Role } from '../roles.js';
import type { ProfileValues } from '../rules/profile-fields.js';
import { sqliteDate, statement } from './statements.js';

export interface NewDirectoryUser {
  tenantId: string;
  userPrincipalName: string;
  alias: string;
  domain: string;
  displayName: string;
  profile: ProfileValues;
  alternateEmail: string | null;
  usageLocation: string | null;
  slackUserId: string | null;
  passwordHash: string;
  forceChangePassword: boolean;
  roles: readonly Role[];
}

/** Inserts one directory user with its roles (inside the caller's transaction); returns its id. */
export function insertDirectoryUser(db: Database.Database, user: NewDirectoryUser, at: Date): string {
  const id = randomUUID();
  const now = sqliteDate(at);
  const p = user.profile;
  statement(
    db,
    `INSERT INTO DirectoryUser (id, tenantId, userPrincipalName, activeUpnKey, aliasKey, domain, firstName, lastName, displayName,
       jobTitle, department, officeNumber, officePhone, mobilePhone, fax, alternateEmail, address, city, state, postalCode, country,
       usageLocation, accountEnabled, userType, source, slackUserId, passwordHash, passwordSetAt, forceChangePassword, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'member', 'cloud', ?, ?, ?, ?, ?, ?)`,
  ).run(
    id, user.tenantId, user.userPrincipalName, user.userPrincipalName.toLowerCase(), user.alias.toLowerCase(), user.domain,
    p.firstName ?? null, p.lastName ?? null, user.displayName, p.jobTitle ?? null, p.department ?? null, p.officeNumber ?? null,
    p.officePhone ?? null, p.mobilePhone ?? null, p.fax ?? null, user.alternateEmail, p.address ?? null, p.city ?? null, p.state ?? null,
    p.postalCode ?? null, p.country ?? null, user.usageLocation, user.slackUserId, user.passwordHash, now, user.forceChangePassword ? 1 : 0, now, now,
  );
  const addRole = statement(db, 'INSERT INTO RoleAssignment (userId, role, createdAt) VALUES (?, ?, ?)');
  for (const role of user.roles) addRole.run(id, role, now);
  return id;
}

export function insertLicenseAssignment(db: Database.Database, assignment: { userId: string; tenantId: string; skuId: string; disabledPlans: readonly string[] }, at: Date): void {
  statement(db, 'INSERT INTO LicenseAssignment (userId, tenantId, skuId, disabledPlans, assignedAt) VALUES (?, ?, ?, ?, ?)').run(
    assignment.userId, assignment.tenantId, assignment.skuId, JSON.stringify(assignment.disabledPlans), sqliteDate(at),
  );
}
