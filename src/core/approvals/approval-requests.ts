import { z } from 'zod';
import { actorSchema, actorSlackMember, type Actor, type CoreContext } from '../context.js';
import type { Authorized } from '../access/authorize.js';
import { hasPermission, rolesGranting } from '../roles.js';
import { findApprovalRequest, type ApprovalRequestRecord, type ApprovalStatus } from '../../store/approvals.js';
import { slackMembersWithRoles } from '../../store/role-members.js';
import { APPROVAL_KINDS, KIND_PERMISSION, KIND_WORDS, type ApprovalKind, type ChangeSummary } from './approval-change.js';

const summarySchema = z.object({ title: z.string(), lines: z.array(z.string()), userIds: z.array(z.string()).optional() });

/** A request as people are shown it (never its input: that may be sealed). */
export interface ApprovalLine {
  id: string;
  kind: ApprovalKind;
  what: string;
  summary: ChangeSummary;
  requester: Actor | null;
  requestedBy: string;
  /** The requester's Slack member, when they asked from Slack. */
  requesterMember: string | null;
  status: ApprovalStatus;
  createdAt: Date;
  expiresAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  reason: string | null;
  outcome: string | null;
}

export function lineOf(record: ApprovalRequestRecord): ApprovalLine {
  const kind = (APPROVAL_KINDS as readonly string[]).includes(record.kind) ? (record.kind as ApprovalKind) : 'delete_users';
  const summary = summarySchema.safeParse(record.summary);
  const requester = actorSchema.safeParse(record.requester);
  return {
    id: record.id,
    kind,
    what: KIND_WORDS[kind],
    summary: summary.success ? summary.data : { title: '(unreadable)', lines: [] },
    requester: requester.success ? requester.data : null,
    requestedBy: record.requestedBy,
    requesterMember: requester.success ? actorSlackMember(requester.data) : null,
    status: record.status,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    decidedBy: record.decidedBy,
    decidedAt: record.decidedAt,
    reason: record.reason,
    outcome: record.outcome,
  };
}

/** The request of the actor's organization, or the sentence saying it is not there. */
export async function requestOf(ctx: CoreContext, auth: Authorized, id: string): Promise<ApprovalRequestRecord | null> {
  const wanted = id.trim().toLowerCase();
  return /^[0-9a-f]{6,40}$/.test(wanted) ? findApprovalRequest(ctx.db, auth.tenant.id, wanted) : null;
}

export const NO_SUCH_REQUEST = 'There is no such approval request in this organization. See `/users approvals` (`roster approvals list`).';

/** Whether the actor may approve or deny it: never their own, and only with the permission the change needs. */
export function mayDecide(auth: Authorized, record: Pick<ApprovalRequestRecord, 'kind' | 'requestedBy'>): boolean {
  const kind = lineKind(record.kind);
  return record.requestedBy !== auth.actorId && hasPermission(auth.roles, KIND_PERMISSION[kind]);
}

export function lineKind(kind: string): ApprovalKind {
  return (APPROVAL_KINDS as readonly string[]).includes(kind) ? (kind as ApprovalKind) : 'delete_users';
}

/** At most this many approvers get the DM. */
export const APPROVERS_DMED = 50;

/**
 * Who gets the Approve / Deny DM: the Slack members (linked, able to sign in) holding a role that
 * may make the change themselves (Global admins always), but the requester.
 */
export async function approverMembers(ctx: CoreContext, record: Pick<ApprovalRequestRecord, 'tenantId' | 'kind' | 'requestedBy'>): Promise<string[]> {
  const members = await slackMembersWithRoles(ctx.db, record.tenantId, rolesGranting(KIND_PERMISSION[lineKind(record.kind)]), APPROVERS_DMED + 1);
  return members.filter((member) => member !== record.requestedBy).slice(0, APPROVERS_DMED);
}

/** How a final state reads ("Approved by <@U…>"), for the DMs and the lists. */
export function stateWords(line: Pick<ApprovalLine, 'status' | 'decidedBy' | 'reason' | 'outcome'>): string {
  const by = line.decidedBy ? (line.decidedBy.startsWith('cli:') ? ` by ${line.decidedBy}` : ` by <@${line.decidedBy}>`) : '';
  switch (line.status) {
    case 'pending':
      return 'Pending approval';
    case 'approved':
    case 'running':
      return `Approved${by}; running`;
    case 'done':
      return `Approved${by}: done. ${line.outcome ?? ''}`.trim();
    case 'failed':
      return `Approved${by}, but it failed: ${line.outcome ?? ''}`.trim();
    case 'denied':
      return `Denied${by}${line.reason ? `: ${line.reason}` : ''}`;
    case 'cancelled':
      return 'Cancelled by the requester';
    case 'expired':
      return 'Expired: nobody approved it in time';
  }
}
