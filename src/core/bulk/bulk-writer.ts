import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { NewDirectoryUser } from '../store/user-writes.js';

/** A row of an import, ready to write: the fields of a directory user plus sign-in and license. */
export type NewImportedUser = Pick<
  NewDirectoryUser,
  'userPrincipalName' | 'alias' | 'domain' | 'displayName' | 'profile' | 'alternateEmail' | 'usageLocation' | 'passwordHash'
> & {
  accountEnabled: boolean;
  license: { skuId: string; disabledPlans: string[] } | null;
};

/**
 * Writes imported users straight through SQLite's prepared statements: Prisma's per-row cost would
 * dominate a 100,000-row import. Callers run it inside one transaction per batch.
 */
export class BulkUserWriter {
  private readonly insertUser: Database.Statement;
  private readonly insertLicense: Database.Statement;
  private readonly insertAudit: Database.Statement;
  private readonly updatePassword: Database.Statement;

  constructor(
    sqlite: Database.Database,
    private readonly context: { tenantId: string; jobId: string; actorSlackUserId: string; fileName: string },
  ) {
    this.insertUser = sqlite.prepare(`INSERT INTO DirectoryUser (
      id, tenantId, userPrincipalName, activeUpnKey, aliasKey, domain, firstName, lastName, displayName, jobTitle, department,
      officeNumber, officePhone, mobilePhone, fax, alternateEmail, address, city, state, postalCode, country, usageLocation,
      accountEnabled, userType, source, passwordHash, passwordSetAt, forceChangePassword, createdAt, updatedAt, importJobId
    ) VALUES (
      @id, @tenantId, @userPrincipalName, @activeUpnKey, @aliasKey, @domain, @firstName, @lastName, @displayName, @jobTitle, @department,
      @officeNumber, @officePhone, @mobilePhone, @fax, @alternateEmail, @address, @city, @state, @postalCode, @country, @usageLocation,
      @accountEnabled, 'member', 'cloud', @passwordHash, @now, 1, @now, @now, @importJobId
    )`);
    this.insertLicense = sqlite.prepare(
      'INSERT INTO LicenseAssignment (userId, tenantId, skuId, disabledPlans, assignedAt) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertAudit = sqlite.prepare(
      `INSERT INTO AuditRecord (id, tenantId, actorSlackUserId, action, targetType, targetId, summary, createdAt)
       VALUES (?, ?, ?, 'users.import', 'user', ?, ?, ?)`,
    );
    this.updatePassword = sqlite.prepare('UPDATE DirectoryUser SET passwordHash = ?, passwordSetAt = ?, forceChangePassword = 1, updatedAt = ? WHERE id = ?');
  }

  create(user: NewImportedUser, now: string, licenseName: string | null): string {
    const id = randomUUID();
    const { profile } = user;
    this.insertUser.run({
      id,
      tenantId: this.context.tenantId,
      userPrincipalName: user.userPrincipalName,
      activeUpnKey: user.userPrincipalName.toLowerCase(),
      aliasKey: user.alias.toLowerCase(),
      domain: user.domain,
      firstName: profile.firstName ?? null,
      lastName: profile.lastName ?? null,
      displayName: user.displayName,
      jobTitle: profile.jobTitle ?? null,
      department: profile.department ?? null,
      officeNumber: profile.officeNumber ?? null,
      officePhone: profile.officePhone ?? null,
      mobilePhone: profile.mobilePhone ?? null,
      fax: profile.fax ?? null,
      alternateEmail: user.alternateEmail,
      address: profile.address ?? null,
      city: profile.city ?? null,
      state: profile.state ?? null,
      postalCode: profile.postalCode ?? null,
      country: profile.country ?? null,
      usageLocation: user.usageLocation,
      accountEnabled: user.accountEnabled ? 1 : 0,
      passwordHash: user.passwordHash,
      now,
      importJobId: this.context.jobId,
    });
    if (user.license) this.insertLicense.run(id, this.context.tenantId, user.license.skuId, JSON.stringify(user.license.disabledPlans), now);
    const what = licenseName ? `with ${licenseName}` : 'without a license';
    this.insertAudit.run(randomUUID(), this.context.tenantId, this.context.actorSlackUserId, id, `Imported ${user.userPrincipalName} ${what} from ${this.context.fileName}`, now);
    return id;
  }

  /** A user made by this job before an interruption gets a new temporary password (the old one was never delivered). */
  reissuePassword(userId: string, passwordHash: string, now: string): void {
    this.updatePassword.run(passwordHash, now, now, userId);
  }
}
