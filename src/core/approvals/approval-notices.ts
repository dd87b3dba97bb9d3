import type { CoreContext } from '../context.js';
import { addApprovalMessages, approvalRequestById, type ApprovalMessageRef } from '../../store/approvals.js';
import { approverMembers, lineOf, type ApprovalLine } from './approval-requests.js';

/**
 * What the Slack jobs of a request need (slack/jobs/approval-jobs.ts): the request as people see
 * it, who may approve it (the DM's recipients), and the DMs already sent (updated once decided).
 */
export async function approvalForNotice(
  ctx: CoreContext,
  requestId: string,
): Promise<{ line: ApprovalLine; approvers: string[]; messages: ApprovalMessageRef[] } | null> {
  const record = await approvalRequestById(ctx.db, requestId);
  if (!record) return null;
  return { line: lineOf(record), approvers: await approverMembers(ctx, record), messages: record.messages };
}

/** Keeps the DMs sent about a request, so its decision can update them. */
export async function recordApprovalMessages(ctx: CoreContext, requestId: string, refs: ApprovalMessageRef[]): Promise<void> {
  if (refs.length > 0) await addApprovalMessages(ctx.db, requestId, refs);
}
