import type { Permission } from '../roles.js';
import type { ApprovalPolicyRecord } from '../../store/approvals.js';

/**
 * The changes an organization's approval policy may hold back (docs/domain.md "Two-person
 * approval"), each with the permission that makes it: the requester needs it to ask, and an
 * approver needs it too (who approves must be allowed to make the change themselves).
 */
export const APPROVAL_KINDS = ['role_grant', 'delete_users', 'purge_user', 'buy_licenses', 'import', 'edit_many'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export const KIND_PERMISSION: Record<ApprovalKind, Permission> = {
  role_grant: 'assign_roles',
  delete_users: 'delete_users',
  purge_user: 'purge_users',
  buy_licenses: 'buy_licenses',
  import: 'create_users',
  edit_many: 'edit_users',
};

export const KIND_WORDS: Record<ApprovalKind, string> = {
  role_grant: 'Give an admin role',
  delete_users: 'Delete users',
  purge_user: 'Delete a user permanently',
  buy_licenses: 'Buy licenses',
  import: 'Import users',
  edit_many: 'Edit many users',
};

/** What approvers are shown: a title and the exact changes (users, products, counts). Never a secret. */
export interface ChangeSummary {
  title: string;
  lines: string[];
  /** Users the change is about (their ids), checked again when approved. */
  userIds?: string[];
}

/** A change held back: the use case's validated input (sealed when `secret`), what it does, and how many it touches. */
export interface HeldChange {
  kind: ApprovalKind;
  input: unknown;
  summary: ChangeSummary;
  /** The number of users (or seats) the policy's thresholds are compared with. */
  count?: number;
  /** The input holds something that must not be stored in clear (a typed password). */
  secret?: boolean;
}

/** Given to a use case run for an approved request: it runs without asking again, and says so. */
export interface ApprovalGrant {
  requestId: string;
  approvedBy: string;
}

/** Whether the policy holds back this kind of change of this size. */
export function policyCovers(policy: ApprovalPolicyRecord, kind: ApprovalKind, count = 0): boolean {
  switch (kind) {
    case 'role_grant':
      return policy.roleGrants;
    case 'delete_users':
      return policy.deletes;
    case 'purge_user':
      return policy.purges;
    case 'buy_licenses':
      return policy.seatsAbove !== null && count > policy.seatsAbove;
    case 'import':
    case 'edit_many':
      return policy.bulkAbove !== null && count > policy.bulkAbove;
  }
}

/** The policy in words, one line per change it covers. */
export function policyLines(policy: ApprovalPolicyRecord): string[] {
  const lines = [
    ...(policy.roleGrants ? ['giving an admin role'] : []),
    ...(policy.deletes ? ['deleting users'] : []),
    ...(policy.purges ? ['deleting users permanently (purge)'] : []),
    ...(policy.bulkAbove !== null ? [`an import or Edit many of more than ${policy.bulkAbove} users`] : []),
    ...(policy.seatsAbove !== null ? [`buying more than ${policy.seatsAbove} seats at once`] : []),
  ];
  return lines;
}
