import type { ProfileField, ProfileValues } from '../../domain/profile-fields.js';

/**
 * A change the core made to the directory, as a connected tenant must be told it: what a
 * rehearsal of a use case asked of the directory provider, one entry per user and kind (a user's
 * license calls merged into one `licenses` change, as Graph's assignLicense takes them).
 */

/** Who a change is about. */
export interface ChangedUser {
  /** The same user across a rehearsal and the run that records it: `id:<Roster id>`, or `new:<username>` for a user the change set makes. */
  key: string;
  /** Their object id in the tenant (null for a user the change set makes). */
  externalId: string | null;
  userPrincipalName: string;
}

/** A new member user's properties, in Roster's terms. */
export interface NewTenantUser {
  userPrincipalName: string;
  alias: string;
  displayName: string;
  profile: ProfileValues;
  alternateEmail: string | null;
  usageLocation: string | null;
  accountEnabled: boolean;
}

/** What an edit changes of a user the tenant has: only the properties whose value differs (null clears one). */
export interface TenantUserChanges {
  displayName?: string;
  profile?: Partial<Record<Exclude<ProfileField, 'displayName'>, string | null>>;
  alternateEmail?: string | null;
  usageLocation?: string | null;
  accountEnabled?: boolean;
  userPrincipalName?: string;
}

export interface LicenseGrant {
  skuId: string;
  disabledPlans: string[];
}

export type DirectoryChange =
  | { kind: 'create'; user: ChangedUser; fields: NewTenantUser; password: string; forceChangePassword: boolean }
  | { kind: 'invite'; user: ChangedUser; email: string; displayName: string }
  | { kind: 'update'; user: ChangedUser; changes: TenantUserChanges }
  /** The user's manager, by their object id in the tenant; null removes it. */
  | { kind: 'manager'; user: ChangedUser; managerExternalId: string | null }
  | { kind: 'password'; user: ChangedUser; password: string; forceChangePassword: boolean }
  | { kind: 'licenses'; user: ChangedUser; add: LicenseGrant[]; remove: string[] }
  | { kind: 'delete'; user: ChangedUser }
  | { kind: 'restore'; user: ChangedUser; userPrincipalName: string; password: string }
  | { kind: 'purge'; user: ChangedUser };

export type ChangeKind = DirectoryChange['kind'];

/** The order a user's changes reach the tenant in: made first, then its properties (usage location), password, licenses, and gone last. */
export const CHANGE_ORDER: readonly ChangeKind[] = ['create', 'invite', 'restore', 'update', 'manager', 'password', 'licenses', 'delete', 'purge'];

/** Two changes say the same (a rehearsal's and the recording run's): compared by value. */
export function sameChange(a: DirectoryChange, b: DirectoryChange): boolean {
  return canonical(a) === canonical(b);
}

function canonical(change: DirectoryChange): string {
  const { user, ...rest } = change;
  const value =
    rest.kind === 'licenses'
      ? {
          ...rest,
          add: [...rest.add].sort((x, y) => x.skuId.localeCompare(y.skuId)).map((g) => ({ ...g, disabledPlans: [...g.disabledPlans].sort() })),
          remove: [...rest.remove].sort(),
        }
      : rest;
  return `${user.key}\n${JSON.stringify(value, Object.keys(flatten(value)).sort())}`;
}

/** Every key of a value at any depth, so that JSON.stringify's key list keeps nested properties. */
function flatten(value: unknown, into: Record<string, true> = {}): Record<string, true> {
  if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      into[key] = true;
      flatten(inner, into);
    }
  return into;
}
