import type { Actor, CoreContext } from '../context.js';
import { identify } from '../access/authorize.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { transaction } from '../transaction.js';
import { moveApprovalRequest } from '../../store/approvals.js';
import { writeAudit } from '../../store/audit.js';
import { lineOf, NO_SUCH_REQUEST, requestOf, type ApprovalLine } from './approval-requests.js';
import { notPendingMessage, queueDecided } from './decide-request.js';

/** Cancel (the requester's DM, `/users approvals`, `roster approvals cancel <id>`): only the requester, while it is pending. */
export async function cancelRequest(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  options: { dryRun?: boolean } = {},
): Promise<Result<{ request: ApprovalLine }>> {
  const who = await identify(ctx, actor);
  if (!who.ok) return who;
  const record = await requestOf(ctx, who, id);
  if (!record) return fail('not_found', NO_SUCH_REQUEST);
  if (record.requestedBy !== who.actorId) return fail('forbidden', 'Only the admin who asked can cancel a request; approvers deny it.');
  const now = ctx.now();
  if (record.status !== 'pending') return fail('conflict', notPendingMessage(record, now));
  if (options.dryRun) return ok({ request: lineOf(record) });
  const done = await transaction(ctx, async (tx) => {
    if (!(await moveApprovalRequest(tx, record.id, 'pending', 'cancelled', now, { decidedBy: who.actorId })))
      throw new CoreFailure(fail('conflict', 'This request was decided a moment ago. See `/users approvals`.'));
    await queueDecided(ctx, tx, record, who);
    await writeAudit(
      tx,
      {
        tenantId: record.tenantId,
        actor: who.actorId,
        action: 'approval.cancelled',
        targetType: 'approval',
        targetId: record.id,
        summary: `Cancelled request ${record.id}`,
      },
      now,
    );
  });
  if (!done.ok) return done;
  return ok({ request: lineOf({ ...record, status: 'cancelled', decidedBy: who.actorId, decidedAt: now }) });
}
