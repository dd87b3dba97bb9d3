import type { CoreContext } from '../context.js';
import type { Recurring } from '../jobs/scheduler.js';
import { transaction } from '../transaction.js';
import { expiredApprovalRequests, moveApprovalRequest } from '../../store/approvals.js';
import { writeAudit } from '../../store/audit.js';
import { queueDecided } from './decide-request.js';

/** Every 5 minutes (and at start): pending requests past their time expire, and their requesters are told. */
export const APPROVAL_SWEEP: Recurring = { kind: 'sweep.approvals', everyMs: 5 * 60_000, atStart: true };

const BATCH = 200;

/**
 * Expires the pending requests whose time ran out, each with one conditional UPDATE (an approval
 * pressed at that moment wins or loses as a whole), its audit record and the Slack job that updates
 * the DMs and tells the requester. Approving checks the time itself, so a late sweep lets nothing through.
 */
export async function expireApprovalRequests(ctx: CoreContext): Promise<number> {
  let expired = 0;
  for (;;) {
    const now = ctx.now();
    const due = await expiredApprovalRequests(ctx.db, now, BATCH);
    for (const record of due) {
      const done = await transaction(ctx, async (tx) => {
        if (!(await moveApprovalRequest(tx, record.id, 'pending', 'expired', now))) return false;
        await queueDecided(ctx, tx, record, 'roster:approvals');
        await writeAudit(
          tx,
          {
            tenantId: record.tenantId,
            actor: 'roster:approvals',
            action: 'approval.expired',
            targetType: 'approval',
            targetId: record.id,
            summary: `Request ${record.id} of ${record.requestedBy} expired: nobody approved it in time`,
          },
          now,
        );
        return true;
      });
      if (done.ok && done.value) expired += 1;
    }
    if (due.length < BATCH) return expired;
  }
}
