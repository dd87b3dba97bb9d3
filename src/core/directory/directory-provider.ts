import type { Db } from '../../store/database.js';
import type { NewDirectoryUser } from '../../store/directory-users.js';
import type { RememberedLicense, UserFieldChanges } from '../../domain/user-changes.js';
import type { Role } from '../roles.js';

/**
 * The one way the core changes the user directory: every change to a user or a license (create,
 * edit, roles, sign-in, password, delete, restore, purge, licenses with their disabled plans, a
 * guest) goes through this interface, which the core owns. The embedded directory
 * (src/directory/embedded-directory.ts) is its first implementation: it writes Roster's own tables.
 * A connected tenant (Microsoft Graph) applies the same change to the tenant, then records it in
 * the same tables, which are then its mirror.
 *
 * Every method runs inside the core's transaction `tx`, after the core has checked its rules (the
 * rules a real service enforces itself stay in the core, so both implementations give the same
 * answers) and with the organization locked (core/access/act-on-user.ts). A method throws to refuse
 * (the core rolls back): `SeatsExhausted` when no seat is left, `UniqueViolation` ('username') when a username
 * was taken meanwhile. Reads are not here: the core reads the tables (the directory, or its mirror).
 *
 * Passwords reach a provider twice over: the hash, which the embedded directory stores, and, as
 * `temporaryPassword`, the password itself for a provider that must send it to a service (never
 * stored or logged by the embedded directory).
 */
export interface DirectoryProvider {
  /** `embedded`, or the connected service. */
  readonly name: string;
  /** One user with their roles; returns the new user's id. */
  createUser(tx: Db, user: NewDirectoryUser, roles: readonly Role[], at: Date, temporaryPassword?: string): Promise<string>;
  /**
   * Many users (an import batch), skipping usernames taken meanwhile; returns the ids made by
   * lower-case username. `passwords`: their temporary passwords in clear, by lower-case username.
   */
  createUsers(tx: Db, users: readonly NewDirectoryUser[], at: Date, passwords?: ReadonlyMap<string, string>): Promise<Map<string, string>>;
  updateUser(tx: Db, userId: string, changes: UserFieldChanges, at: Date): Promise<void>;
  /** Exactly these admin roles. */
  setRoles(tx: Db, userId: string, roles: readonly Role[], at: Date): Promise<void>;
  setPassword(tx: Db, userId: string, change: { passwordHash: string; forceChangePassword: boolean; temporaryPassword?: string }, at: Date): Promise<void>;
  /** New temporary passwords for users an interrupted import made (to change at next sign-in). */
  reissuePasswords(tx: Db, changes: readonly { userId: string; passwordHash: string; temporaryPassword?: string }[], at: Date): Promise<void>;
  setSource(tx: Db, userId: string, source: 'cloud' | 'synced', at: Date): Promise<void>;
  markGuest(tx: Db, userId: string): Promise<void>;
  /** Soft delete, remembering the licenses held; false when the user was deleted meanwhile. */
  deleteUser(tx: Db, userId: string, remembered: readonly RememberedLicense[], at: Date): Promise<boolean>;
  restoreUser(
    tx: Db,
    userId: string,
    change: { userPrincipalName: string; alias: string; domain: string; passwordHash: string; keepSlackLink: boolean; temporaryPassword?: string },
    condition: { deletedAfter: Date },
    at: Date,
  ): Promise<boolean>;
  /** Removes a user deleted at or before `cutoff` for good; false when restored or gone meanwhile. */
  purgeUser(tx: Db, userId: string, cutoff: Date): Promise<boolean>;
  /** One product to users, each with the apps turned off; takes the seats (throws SeatsExhausted). */
  assignLicenses(tx: Db, tenantId: string, skuId: string, grants: readonly { userId: string; disabledPlans: readonly string[] }[], at: Date): Promise<void>;
  /** One product from users; frees the seats. Returns how many held it. */
  unassignLicenses(tx: Db, tenantId: string, skuId: string, userIds: readonly string[]): Promise<number>;
  setDisabledPlans(tx: Db, userId: string, skuId: string, disabledPlans: readonly string[]): Promise<void>;
  /** The mailbox that follows a license change, and the license error cleared or kept. */
  setMailbox(
    tx: Db,
    userId: string,
    change: { mailbox?: { state: 'none' | 'active' | 'grace'; graceEndsAt: Date | null }; licenseError?: string | null },
    at: Date,
  ): Promise<void>;
  /** Ends a mailbox whose 30-day grace has passed; false when a license gave it back meanwhile. */
  endMailboxGrace(tx: Db, userId: string, now: Date): Promise<boolean>;
}
