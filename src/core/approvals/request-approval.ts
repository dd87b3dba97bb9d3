import { addHours } from 'date-fns';
import type { CoreContext } from '../context.js';
import type { Authorized } from '../access/authorize.js';
import { enqueue } from '../jobs/enqueue.js';
import { fail, type CoreError } from '../result.js';
import { transaction } from '../transaction.js';
import { approvalPolicy, insertApprovalRequest, newApprovalId } from '../../store/approvals.js';
import { writeAudit } from '../../store/audit.js';
import { KIND_WORDS, policyCovers, type ApprovalGrant, type HeldChange } from './approval-change.js';
import { sealInput } from './approval-input.js';

/** The Slack job that DMs the requester (Pending approval, Cancel) and each approver (Approve / Deny). */
export const APPROVAL_NOTIFY_JOB = 'approvals.notify';
/** The Slack job that updates those DMs once the request is decided, and tells the requester. */
export const APPROVAL_DECIDED_JOB = 'approvals.decided';

/** The sentence a held change answers with (the requester also gets a DM with Cancel). */
export function pendingMessage(id: string, expiresAt: Date): string {
  return `Pending approval: request ${id}. A second admin must approve it before ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC; nothing changed yet. See \`/users approvals\`.`;
}

/**
 * The one gate of two-person approval (docs/domain.md "Two-person approval"), called by each
 * use case the policy may cover once its input is validated and the requester is allowed to
 * make the change, right before it would write. Null: go on (the policy does not cover it, a dry
 * run, or this run is the approved request's own). Otherwise the change becomes a request
 * (its input sealed when it holds a secret), the DMs are queued in the same transaction, and the
 * use case answers `pending_approval` with the request's id.
 */
export async function holdForApproval(
  ctx: CoreContext,
  auth: Authorized,
  change: HeldChange,
  run: { dryRun?: boolean; approval?: ApprovalGrant },
): Promise<CoreError | null> {
  if (run.dryRun || run.approval) return null;
  const policy = await approvalPolicy(ctx.db, auth.tenant.id);
  if (!policyCovers(policy, change.kind, change.count)) return null;
  const id = newApprovalId();
  const now = ctx.now();
  const expiresAt = addHours(now, policy.validHours);
  const input = change.secret ? sealInput(ctx, id, change.input) : JSON.stringify(change.input);
  const done = await transaction(ctx, async (tx) => {
    await insertApprovalRequest(tx, {
      id,
      tenantId: auth.tenant.id,
      kind: change.kind,
      input,
      sealed: !!change.secret,
      summary: change.summary,
      requester: auth.actor,
      requestedBy: auth.actorId,
      createdAt: now,
      expiresAt,
    });
    await enqueue(ctx, { tenantId: auth.tenant.id, kind: APPROVAL_NOTIFY_JOB, payload: { requestId: id }, requestedBy: auth.actorId, maxAttempts: 5 }, tx);
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'approval.requested',
        targetType: 'approval',
        targetId: id,
        summary: `Asked for approval (request ${id}): ${KIND_WORDS[change.kind]}: ${change.summary.title}`,
      },
      now,
    );
  });
  if (!done.ok) return done;
  return { ...fail('pending_approval', pendingMessage(id, expiresAt)), requestId: id };
}

/** Whether the organization's policy holds back this kind of change (for the use cases that refuse instead of holding). */
export async function approvalRequired(ctx: CoreContext, tenantId: string, change: Pick<HeldChange, 'kind' | 'count'>): Promise<boolean> {
  return policyCovers(await approvalPolicy(ctx.db, tenantId), change.kind, change.count);
}
