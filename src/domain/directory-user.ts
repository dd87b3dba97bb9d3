import type { ProfileValues } from './profile-fields.js';

/** An active or deleted user of the directory as the core reads them (everything but the password hash). */
export interface DirectoryUserRecord {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  alias: string;
  domain: string;
  displayName: string;
  profile: ProfileValues;
  alternateEmail: string | null;
  usageLocation: string | null;
  accountEnabled: boolean;
  userType: string;
  source: string;
  slackUserId: string | null;
  /** Their manager's Roster id (docs/domain.md "Managers"); a deleted manager stays named until purged. */
  managerId: string | null;
  passwordSetAt: Date;
  forceChangePassword: boolean;
  /** A connected tenant's last sign-in (null: never, or not read: see signInReadAt). */
  lastSignInAt: Date | null;
  /** When the sync last read their sign-in activity; null: not read (Roster's own directory has no sign-ins). */
  signInReadAt: Date | null;
  createdAt: Date;
  deletedAt: Date | null;
}
