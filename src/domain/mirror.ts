import type { ProfileField } from './profile-fields.js';

/**
 * What a connected tenant says about its users, products and domains, in Roster's terms: what the
 * sync (core/microsoft) hands the mirror to record in Roster's tables.
 */

/**
 * A user as the tenant reported them. A delta page may carry only what changed: a field left
 * undefined stays as it is; null clears it.
 */
export interface MirroredUser {
  /** The user's object id in the tenant. */
  externalId: string;
  userPrincipalName?: string;
  displayName?: string;
  profile?: Partial<Record<Exclude<ProfileField, 'displayName'>, string | null>>;
  alternateEmail?: string | null;
  /** The user's email address (Graph's `mail`): a Slack member with this email is linked to them. */
  mail?: string | null;
  usageLocation?: string | null;
  accountEnabled?: boolean;
  userType?: 'member' | 'guest';
  source?: 'cloud' | 'synced';
  /** Every license the user holds, with the apps turned off (all of them: it replaces the user's licenses). */
  licenses?: { skuId: string; disabledPlans: string[] }[];
  /** Follows the licenses: `active` when one of them has an Exchange Online mailbox plan on. */
  mailbox?: 'none' | 'active';
  createdAt?: Date;
  passwordSetAt?: Date;
  /** Their manager's object id in the tenant (Graph's `manager`); null: none. */
  managerExternalId?: string | null;
}

/** One change a sync reads: a user as they are now, one deleted (restorable in the tenant for 30 days), or one gone for good. */
export type MirrorChange = { kind: 'user'; user: MirroredUser } | { kind: 'deleted'; externalId: string } | { kind: 'purged'; externalId: string };

/** A product the tenant subscribes to: seats bought (enabled prepaid units) and assigned (consumed units). */
export interface MirroredProduct {
  skuId: string;
  partNumber: string;
  total: number;
  assigned: number;
}

export interface MirroredDomain {
  name: string;
  isInitial: boolean;
  isDefault: boolean;
  verified: boolean;
}

/** What one page of changes did to the mirror. */
export interface MirrorCounts {
  added: number;
  changed: number;
  removed: number;
}
