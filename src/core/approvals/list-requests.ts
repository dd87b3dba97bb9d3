import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { ok, type Result } from '../result.js';
import { approvalRequestsOf, type ApprovalStatus } from '../../store/approvals.js';
import { lineOf, mayDecide, NO_SUCH_REQUEST, requestOf, type ApprovalLine } from './approval-requests.js';
import { fail } from '../result.js';

/** A request as one viewer sees it: whether they may approve or deny it, or cancel it (their own). */
export interface ViewedRequest extends ApprovalLine {
  canDecide: boolean;
  canCancel: boolean;
}

export const REQUESTS_SHOWN = 40;
const OPEN: readonly ApprovalStatus[] = ['pending', 'approved', 'running'];
const ENDED: readonly ApprovalStatus[] = ['done', 'failed', 'denied', 'cancelled', 'expired'];

/**
 * `/users approvals`, `roster approvals list`: the pending requests the viewer made or may decide
 * (any admin role; the others are not theirs to see here), newest first; `ended` lists the
 * decided ones instead (the command line's `--all`).
 */
export async function listApprovalRequests(
  ctx: CoreContext,
  actor: Actor,
  options: { ended?: boolean; limit?: number } = {},
): Promise<Result<{ requests: ViewedRequest[] }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const now = ctx.now();
  const records = await approvalRequestsOf(ctx.db, auth.tenant.id, options.ended ? ENDED : OPEN, options.limit ?? REQUESTS_SHOWN);
  const requests = records
    .map((record) => ({
      ...lineOf(record),
      canDecide: record.status === 'pending' && record.expiresAt > now && mayDecide(auth, record),
      canCancel: record.status === 'pending' && record.requestedBy === auth.actorId,
    }))
    .filter((r) => options.ended || r.requestedBy === auth.actorId || mayDecide(auth, r))
    .filter((r) => options.ended || r.status !== 'pending' || r.expiresAt > now);
  return ok({ requests });
}

/** One request of the organization, as the viewer sees it (any admin role). */
export async function showApprovalRequest(ctx: CoreContext, actor: Actor, id: string): Promise<Result<{ request: ViewedRequest }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const record = await requestOf(ctx, auth, id);
  if (!record) return fail('not_found', NO_SUCH_REQUEST);
  const now = ctx.now();
  return ok({
    request: {
      ...lineOf(record),
      canDecide: record.status === 'pending' && record.expiresAt > now && mayDecide(auth, record),
      canCancel: record.status === 'pending' && record.requestedBy === auth.actorId,
    },
  });
}
