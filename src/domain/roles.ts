/** Admin roles (docs/domain.md "Admin roles"), as the core and the store both name them. */
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
