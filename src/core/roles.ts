import type { Role } from '../domain/roles.js';
import { ROLES } from '../domain/roles.js';

export { isRole, ROLE_IDS, ROLES, type Role } from '../domain/roles.js';

/** What each admin role (docs/domain.md "Admin roles") may do. */
export type Permission =
  | 'read'
  | 'create_users'
  | 'edit_users'
  | 'delete_users'
  | 'block_users'
  | 'reset_passwords'
  | 'assign_licenses'
  | 'edit_usage_location'
  | 'license_guests'
  | 'buy_licenses'
  | 'take_over_subscriptions'
  | 'assign_roles'
  | 'manage_views'
  | 'manage_domains'
  | 'manage_settings'
  | 'purge_users'
  | 'delete_organization'
  | 'manage_directory'
  | 'manage_license_settings';

/**
 * Which roles grant each permission (docs/domain.md "Admin roles"); Global admin grants everything.
 * Some also depend on the target: a Helpdesk admin may block and reset only users with no admin
 * role, a User admin anyone but a Global admin (see `mayActOnTarget`).
 */
const GRANTS: Record<Permission, Role[]> = {
  read: ['global_admin', 'user_admin', 'license_admin', 'billing_admin', 'helpdesk_admin', 'service_support_admin'],
  create_users: ['global_admin', 'user_admin'],
  edit_users: ['global_admin', 'user_admin'],
  delete_users: ['global_admin', 'user_admin'],
  block_users: ['global_admin', 'user_admin', 'helpdesk_admin'],
  reset_passwords: ['global_admin', 'user_admin', 'helpdesk_admin'],
  assign_licenses: ['global_admin', 'user_admin', 'license_admin'],
  edit_usage_location: ['global_admin', 'user_admin', 'license_admin'],
  // docs/domain.md: guest users may be given licenses only by a Global admin.
  license_guests: ['global_admin'],
  buy_licenses: ['global_admin', 'billing_admin'],
  take_over_subscriptions: ['global_admin', 'billing_admin'],
  // Only a Global admin may make someone an admin: a User admin cannot grant roles above their own.
  assign_roles: ['global_admin'],
  manage_views: ['global_admin', 'user_admin'],
  manage_domains: ['global_admin'],
  manage_settings: ['global_admin'],
  purge_users: ['global_admin'],
  delete_organization: ['global_admin'],
  // Connecting the organization to a Microsoft 365 tenant (or disconnecting it) decides whose directory Roster shows.
  manage_directory: ['global_admin'],
  // Seat alerts per product, where they go, the weekly digest and the prices (issue 17): the people who buy.
  // Roster's own settings, so a connected organization changes them too.
  manage_license_settings: ['global_admin', 'billing_admin'],
};

/**
 * What changes the directory, its licenses or its domains: on an organization connected to a
 * Microsoft 365 tenant these wait for changes to go to the tenant (issue 16 item 3); until then
 * the tenant is changed in its own admin center and the sync brings the change in.
 */
export const CHANGES_THE_DIRECTORY: readonly Permission[] = [
  'create_users',
  'edit_users',
  'delete_users',
  'block_users',
  'reset_passwords',
  'assign_licenses',
  'edit_usage_location',
  'license_guests',
  'buy_licenses',
  'take_over_subscriptions',
  'assign_roles',
  'manage_domains',
  'purge_users',
];

export function rolesGranting(permission: Permission): Role[] {
  return GRANTS[permission];
}

export function roleLabels(roles: readonly Role[]): string {
  return roles.map((role) => ROLES[role]).join(', ');
}

const PERMISSION_WORDS: Record<Permission, string> = {
  read: 'see the organization',
  create_users: 'add users',
  edit_users: 'edit users',
  delete_users: 'delete and restore users',
  block_users: 'block or unblock sign-in',
  reset_passwords: 'reset passwords',
  assign_licenses: 'assign licenses',
  edit_usage_location: 'change usage locations',
  license_guests: 'give licenses to guest users',
  buy_licenses: 'buy licenses',
  take_over_subscriptions: 'take over self-service subscriptions',
  assign_roles: 'give admin roles',
  manage_views: 'create, edit or delete views',
  manage_domains: 'manage domains',
  manage_settings: 'change organization settings',
  purge_users: 'delete users permanently before their 30 days',
  delete_organization: "delete the organization and all of Roster's data about it",
  manage_directory: 'connect or disconnect Microsoft 365',
  manage_license_settings: 'set seat alerts and license prices',
};

export function permissionWords(permission: Permission): string {
  return PERMISSION_WORDS[permission];
}

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => GRANTS[permission].includes(role));
}

/**
 * Whether an actor with `actorRoles` may block, unblock or reset the password of a user holding
 * `targetRoles`: a Global admin anyone; a User admin anyone but a Global admin; a Helpdesk admin only
 * users with no admin role. Null when allowed, else the sentence saying why not.
 */
export function mayActOnTarget(actorRoles: readonly Role[], targetRoles: readonly Role[]): string | null {
  if (actorRoles.includes('global_admin')) return null;
  if (actorRoles.includes('user_admin')) {
    return targetRoles.includes('global_admin') ? 'Only a Global admin can do this to a Global admin.' : null;
  }
  if (targetRoles.length > 0) return `Only a Global admin or a User admin can do this to an admin (${roleLabels(targetRoles)}).`;
  return null;
}
