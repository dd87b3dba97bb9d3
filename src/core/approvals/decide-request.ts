import type { CoreContext } from '../context.js';
import type { Authorized } from '../access/authorize.js';
import { enqueue } from '../jobs/enqueue.js';
import type { Db } from '../../store/database.js';
import type { ApprovalRequestRecord } from '../../store/approvals.js';
import { APPROVAL_DECIDED_JOB } from './request-approval.js';
import { lineOf, stateWords } from './approval-requests.js';

/** Why a request can no longer be approved, denied or cancelled. */
export function notPendingMessage(record: ApprovalRequestRecord, now: Date): string {
  if (record.status === 'pending' && record.expiresAt <= now)
    return `Request ${record.id} expired: nobody approved it in time. Ask again if it is still needed.`;
  return `Request ${record.id} is not pending any more: ${stateWords(lineOf(record))}.`;
}

/** Queued with a decision, in its transaction: the Slack job updates the DMs and tells the requester. */
export async function queueDecided(
  ctx: CoreContext,
  tx: Db,
  record: Pick<ApprovalRequestRecord, 'id' | 'tenantId'>,
  by: Pick<Authorized, 'actorId'> | string,
): Promise<void> {
  await enqueue(
    ctx,
    {
      tenantId: record.tenantId,
      kind: APPROVAL_DECIDED_JOB,
      key: `approval-decided:${record.id}`,
      payload: { requestId: record.id },
      requestedBy: typeof by === 'string' ? by : by.actorId,
      maxAttempts: 5,
    },
    tx,
  );
}
