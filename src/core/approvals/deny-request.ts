import type { Actor, CoreContext } from '../context.js';
import { forbiddenMessage, identify } from '../access/authorize.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { transaction } from '../transaction.js';
import { moveApprovalRequest } from '../../store/approvals.js';
import { writeAudit } from '../../store/audit.js';
import { KIND_PERMISSION } from './approval-change.js';
import { lineKind, lineOf, NO_SUCH_REQUEST, requestOf, type ApprovalLine } from './approval-requests.js';
import { notPendingMessage, queueDecided } from './decide-request.js';
import { DECIDED_MEANWHILE, OWN_REQUEST } from '../refusals.js';

export const MAX_REASON = 500;

/**
 * Deny (the DM's red button, then an optional reason; `roster approvals deny <id> --reason`): by
 * an admin who could have approved it. One conditional UPDATE, as approving; nothing changes, the
 * requester is told with the reason, and the other approvers' DMs say who denied it.
 */
export async function denyRequest(
  ctx: CoreContext,
  actor: Actor,
  id: string,
  reason?: string | null,
  options: { dryRun?: boolean } = {},
): Promise<Result<{ request: ApprovalLine }>> {
  const who = await identify(ctx, actor);
  if (!who.ok) return who;
  const record = await requestOf(ctx, who, id);
  if (!record) return fail('not_found', NO_SUCH_REQUEST);
  if (record.requestedBy === who.actorId) return fail('forbidden', `${OWN_REQUEST} Cancel it instead.`);
  const permission = KIND_PERMISSION[lineKind(record.kind)];
  if (!hasPermission(who.roles, permission))
    return fail('forbidden', `Only an admin allowed to make this change may deny it. ${forbiddenMessage(who, permission)}`);
  const why = reason?.trim() ? reason.trim() : null;
  if (why && why.length > MAX_REASON)
    return fail('invalid_input', `The reason is at most ${MAX_REASON} characters.`, [{ field: 'reason', message: `At most ${MAX_REASON} characters.` }]);
  const now = ctx.now();
  if (record.status !== 'pending' || record.expiresAt <= now) return fail('conflict', notPendingMessage(record, now));
  if (options.dryRun) return ok({ request: lineOf(record) });
  const done = await transaction(ctx, async (tx) => {
    if (!(await moveApprovalRequest(tx, record.id, 'pending', 'denied', now, { decidedBy: who.actorId, reason: why, unexpired: true })))
      throw new CoreFailure(fail('conflict', DECIDED_MEANWHILE));
    await queueDecided(ctx, tx, record, who);
    const line = lineOf(record);
    await writeAudit(
      tx,
      {
        tenantId: record.tenantId,
        actor: who.actorId,
        action: 'approval.denied',
        targetType: 'approval',
        targetId: record.id,
        summary: `Denied request ${record.id} of ${record.requestedBy}: ${line.what}: ${line.summary.title}${why ? ` (${why})` : ''}`,
      },
      now,
    );
  });
  if (!done.ok) return done;
  return ok({ request: lineOf({ ...record, status: 'denied', decidedBy: who.actorId, decidedAt: now, reason: why }) });
}
