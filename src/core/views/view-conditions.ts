import { z } from 'zod';
import { productBySkuId } from '../catalogue/catalogue.js';
import type { Role } from '../roles.js';
import type { UserFilter } from '../../store/user-views.js';

/**
 * What a view is: the admin center's twelve standard views (fixed, not editable) and the custom
 * views an organization's admins make from the conditions below, which must all hold.
 */

/** The conditions a custom view may hold (the admin center's custom view filters). */
export const viewConditionsSchema = z.strictObject({
  domain: z.string().min(1).max(255).optional(),
  signIn: z.enum(['allowed', 'blocked']).optional(),
  usageLocation: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  skuId: z.string().min(1).max(64).optional(),
  department: z.string().min(1).max(64).optional(),
  city: z.string().min(1).max(128).optional(),
  state: z.string().min(1).max(128).optional(),
  country: z.string().min(1).max(128).optional(),
  jobTitle: z.string().min(1).max(64).optional(),
  /** The manager's username, lower case: the view lists their direct reports. */
  manager: z.string().min(1).max(113).optional(),
  syncedOnly: z.literal(true).optional(),
  withErrors: z.literal(true).optional(),
  unlicensed: z.literal(true).optional(),
  unlicensedWithMailbox: z.literal(true).optional(),
});

export type ViewConditions = z.infer<typeof viewConditionsSchema>;
export type ConditionName = keyof ViewConditions;

/** The conditions' labels, as the form and the view list name them. */
export const CONDITION_LABELS: Record<ConditionName, string> = {
  domain: 'Domain',
  signIn: 'Sign-in status',
  usageLocation: 'Usage location',
  skuId: 'Assigned product license',
  department: 'Department',
  city: 'City',
  state: 'State or province',
  country: 'Country or region',
  jobTitle: 'Job title',
  manager: 'Manager',
  syncedOnly: 'Synced users only',
  withErrors: 'Users with errors',
  unlicensed: 'Unlicensed users',
  unlicensedWithMailbox: 'Unlicensed users with Exchange mailboxes or archives',
};

export const TEXT_CONDITIONS = ['department', 'city', 'state', 'country', 'jobTitle'] as const satisfies readonly ConditionName[];
export const CHECKBOX_CONDITIONS = ['syncedOnly', 'withErrors', 'unlicensed', 'unlicensedWithMailbox'] as const satisfies readonly ConditionName[];

export interface StandardView {
  key: string;
  name: string;
  filter: UserFilter;
}

const roleView = (key: string, name: string, role: Role): StandardView => ({ key, name, filter: { role } });

/** The standard views, in the admin center's order and with its names. */
export const STANDARD_VIEWS: readonly StandardView[] = [
  { key: 'all', name: 'All users', filter: {} },
  { key: 'licensed', name: 'Licensed users', filter: { licensed: true } },
  { key: 'guests', name: 'Guest users', filter: { guests: true } },
  { key: 'sign_in_allowed', name: 'Sign-in allowed', filter: { signIn: 'allowed' } },
  { key: 'sign_in_blocked', name: 'Sign-in blocked', filter: { signIn: 'blocked' } },
  { key: 'unlicensed', name: 'Unlicensed users', filter: { unlicensed: true } },
  { key: 'errors', name: 'Users with errors', filter: { withErrors: true } },
  roleView('billing_admins', 'Billing admins', 'billing_admin'),
  roleView('global_admins', 'Global admins', 'global_admin'),
  roleView('helpdesk_admins', 'Helpdesk admins', 'helpdesk_admin'),
  roleView('service_admins', 'Service admins', 'service_support_admin'),
  roleView('user_admins', 'User admins', 'user_admin'),
];

/** A custom view's stored conditions, checked; null when they no longer fit the schema. */
export function parseConditions(stored: unknown): ViewConditions | null {
  const parsed = viewConditionsSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

export function hasAnyCondition(conditions: ViewConditions): boolean {
  return Object.values(conditions).some((value) => value !== undefined);
}

/** One line per condition, for people: "Domain: contoso.ca · Usage location: CA". */
export function describeConditions(conditions: ViewConditions): string {
  const parts: string[] = [];
  for (const name of Object.keys(CONDITION_LABELS) as ConditionName[]) {
    const value = conditions[name];
    if (value === undefined) continue;
    if (value === true) parts.push(CONDITION_LABELS[name]);
    else if (name === 'skuId') parts.push(`${CONDITION_LABELS[name]}: ${productBySkuId(value)?.displayName ?? value}`);
    else if (name === 'signIn') parts.push(`${CONDITION_LABELS[name]}: ${value === 'allowed' ? 'Allowed' : 'Blocked'}`);
    else parts.push(`${CONDITION_LABELS[name]}: ${value}`);
  }
  return parts.join(' · ');
}
