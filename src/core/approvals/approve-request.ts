import type { Actor, CoreContext } from '../context.js';
import { forbiddenMessage, identify } from '../access/authorize.js';
import { reauthorize } from '../access/act-on-user.js';
import { enqueue } from '../jobs/enqueue.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { transaction } from '../transaction.js';
import type { JobQueue } from '../../domain/jobs.js';
import { moveApprovalRequest } from '../../store/approvals.js';
import { writeAudit } from '../../store/audit.js';
import { KIND_PERMISSION } from './approval-change.js';
import { lineKind, lineOf, NO_SUCH_REQUEST, requestOf, stateWords, type ApprovalLine } from './approval-requests.js';
import { notPendingMessage } from './decide-request.js';
import { DECIDED_MEANWHILE, OWN_REQUEST } from '../refusals.js';

/** The core job that makes an approved change, as its requester (run-approved.ts). */
export const APPROVAL_RUN_JOB = 'approvals.run';

/**
 * Approve (the DM's button, `/users approvals`, `roster approvals approve <id>`): by an admin who
 * may make the change themselves and is not its requester. One conditional UPDATE takes the request
 * from pending (and not expired) to approved, with the job that makes the change queued in the same
 * transaction: two approvals at once, on one instance or two, approve it once. The change runs as
 * that job (on `queue`: the app's, or a CLI process's own), checked again against the situation
 * then, with the requester as its actor.
 */
export async function approveRequest(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  options: { queue?: JobQueue; dryRun?: boolean } = {},
): Promise<Result<{ request: ApprovalLine; runJobId: string }>> {
  const who = await identify(ctx, actor);
  if (!who.ok) return who;
  const record = await requestOf(ctx, who, id);
  if (!record) return fail('not_found', NO_SUCH_REQUEST);
  if (record.requestedBy === who.actorId) return fail('forbidden', OWN_REQUEST);
  const permission = KIND_PERMISSION[lineKind(record.kind)];
  if (!hasPermission(who.roles, permission))
    return fail('forbidden', `Only an admin allowed to make this change may approve it. ${forbiddenMessage(who, permission)}`);
  const now = ctx.now();
  if (record.status !== 'pending' || record.expiresAt <= now) return fail('conflict', notPendingMessage(record, now));
  // A dry run stops at the checks: approving writes nothing else it could rehearse (the change is rehearsed when it runs).
  if (options.dryRun) return ok({ request: lineOf(record), runJobId: '' });
  const done = await transaction(ctx, async (tx) => {
    await reauthorize(tx, who, permission);
    if (!(await moveApprovalRequest(tx, record.id, 'pending', 'approved', now, { decidedBy: who.actorId, unexpired: true })))
      throw new CoreFailure(fail('conflict', DECIDED_MEANWHILE));
    const job = await enqueue(
      ctx,
      {
        tenantId: record.tenantId,
        kind: APPROVAL_RUN_JOB,
        queue: options.queue ?? 'app',
        payload: { requestId: record.id },
        requestedBy: who.actorId,
        maxAttempts: 1,
      },
      tx,
    );
    const line = lineOf(record);
    await writeAudit(
      tx,
      {
        tenantId: record.tenantId,
        actor: who.actorId,
        action: 'approval.approved',
        targetType: 'approval',
        targetId: record.id,
        summary: `Approved request ${record.id} of ${record.requestedBy}: ${line.what}: ${line.summary.title}`,
      },
      now,
    );
    return job.id;
  });
  if (!done.ok) return done;
  const request = lineOf({ ...record, status: 'approved', decidedBy: who.actorId, decidedAt: now });
  return ok({ request, runJobId: done.value });
}

export { stateWords };
