/** Admin roles (DOMAIN.md "Admin roles") and what each may do. */
export const ROLES = {
  global_admin: 'Global admin',
  user_admin: 'User admin',
  license_admin: 'License admin',
  billing_admin: 'Billing admin',
  helpdesk_admin: 'Helpdesk admin',
  service_support_admin: 'Service support admin',
} as const;

export type Role = keyof typeof ROLES;
export const ROLE_IDS = Object.keys(ROLES) as Role[];

export function isRole(value: string): value is Role {
  return Object.hasOwn(ROLES, value);
}

export type Permission =
  | 'read'
  | 'create_users'
  | 'assign_licenses'
  | 'buy_licenses'
  | 'assign_roles'
  | 'manage_domains'
  | 'manage_settings';

/** Which roles grant each permission; Global admin grants everything. */
const GRANTS: Record<Permission, Role[]> = {
  read: ['global_admin', 'user_admin', 'license_admin', 'billing_admin', 'helpdesk_admin', 'service_support_admin'],
  create_users: ['global_admin', 'user_admin'],
  assign_licenses: ['global_admin', 'user_admin', 'license_admin'],
  buy_licenses: ['global_admin', 'billing_admin'],
  // Only a Global admin may make someone an admin: a User admin cannot grant roles above their own.
  assign_roles: ['global_admin'],
  manage_domains: ['global_admin'],
  manage_settings: ['global_admin'],
};

export function rolesGranting(permission: Permission): Role[] {
  return GRANTS[permission];
}

export function roleLabels(roles: readonly Role[]): string {
  return roles.map((role) => ROLES[role]).join(', ');
}

const PERMISSION_WORDS: Record<Permission, string> = {
  read: 'see the organization',
  create_users: 'add users',
  assign_licenses: 'assign licenses',
  buy_licenses: 'buy licenses',
  assign_roles: 'give admin roles',
  manage_domains: 'manage domains',
  manage_settings: 'change organization settings',
};

export function permissionWords(permission: Permission): string {
  return PERMISSION_WORDS[permission];
}

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => GRANTS[permission].includes(role));
}
