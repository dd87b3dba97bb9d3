import type { ProfileValues } from './profile-fields.js';

/** The fields of one user an edit changes (only those given), as the core decides them and the store writes them. */
export interface UserFieldChanges {
  profile?: ProfileValues;
  displayName?: string;
  alternateEmail?: string | null;
  usageLocation?: string | null;
  accountEnabled?: boolean;
  username?: { userPrincipalName: string; alias: string; domain: string };
  /** Their manager's Roster id; null removes it. */
  managerId?: string | null;
}

/** A license a deleted user held, remembered to be given back on a restore. */
export interface RememberedLicense {
  skuId: string;
  disabledPlans: string[];
}
