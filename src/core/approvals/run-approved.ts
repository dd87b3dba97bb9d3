import { z } from 'zod';
import type { CoreContext } from '../context.js';
import { PermanentJobFailure, type JobEnd, type JobHandler, type RunningJob } from '../jobs/job-handler.js';
import { transaction } from '../transaction.js';
import type { JobRecord } from '../../domain/jobs.js';
import { approvalRequestById, moveApprovalRequest, type ApprovalRequestRecord } from '../../store/approvals.js';
import { writeAudit } from '../../store/audit.js';
import { APPROVAL_RUN_JOB } from './approve-request.js';
import { makeApprovedChange, type ApprovedOutcome } from './approved-changes.js';
import { queueDecided } from './decide-request.js';
import { expireApprovalRequests, APPROVAL_SWEEP } from './expire-requests.js';
import { lineOf } from './approval-requests.js';

const payloadSchema = z.object({ requestId: z.string() });

async function requestOfJob(ctx: CoreContext, job: JobRecord): Promise<ApprovalRequestRecord> {
  const payload = payloadSchema.safeParse(job.payload);
  const record = payload.success ? await approvalRequestById(ctx.db, payload.data.requestId) : null;
  if (!record) throw new PermanentJobFailure('The approval request of this job is gone.');
  return record;
}

/** The request's end: its state, the outcome, the audit record (by the approver) and the Slack job that tells everyone. */
async function finish(ctx: CoreContext, record: ApprovalRequestRecord, outcome: ApprovedOutcome, from: 'running' | 'approved'): Promise<boolean> {
  const now = ctx.now();
  const done = await transaction(ctx, async (tx) => {
    if (!(await moveApprovalRequest(tx, record.id, from, outcome.ok ? 'done' : 'failed', now, { outcome: outcome.text.slice(0, 2000) }))) return false;
    await queueDecided(ctx, tx, record, record.decidedBy ?? 'roster:approvals');
    const line = lineOf(record);
    await writeAudit(
      tx,
      {
        tenantId: record.tenantId,
        actor: record.decidedBy ?? 'roster:approvals',
        action: outcome.ok ? 'approval.done' : 'approval.failed',
        targetType: 'approval',
        targetId: record.id,
        summary:
          `Request ${record.id} of ${record.requestedBy} (${line.what}: ${line.summary.title}), approved by ${record.decidedBy ?? '?'}: ${outcome.text}`.slice(
            0,
            1000,
          ),
      },
      now,
    );
    return true;
  });
  return done.ok && done.value;
}

/**
 * The job queued by an approval: takes the request from approved to running (one conditional
 * UPDATE: a second run, or a second instance, finds it taken and does nothing), makes the change
 * as the requester (approved-changes.ts), and records how it went. The job is tried once: a run
 * that died midway leaves the request failed with that said (`ended`), never made twice.
 */
export async function runApprovedRequest(ctx: CoreContext, job: RunningJob): Promise<JobEnd> {
  const record = await requestOfJob(ctx, job.record);
  if (!(await moveApprovalRequest(ctx.db, record.id, 'approved', 'running', ctx.now()))) return { done: { skipped: record.status } };
  const outcome = await makeApprovedChange(ctx, { ...record, status: 'running' }).catch(
    (error: unknown): ApprovedOutcome => ({
      ok: false,
      text: `Roster failed while making the change (${error instanceof Error ? error.message : 'unknown error'}); see the audit for what was done.`,
    }),
  );
  await finish(ctx, record, outcome, 'running');
  return { done: { request: record.id, ok: outcome.ok } };
}

async function runEnded(ctx: CoreContext, job: JobRecord, how: { failed: string } | { cancelled: true }): Promise<void> {
  const record = await requestOfJob(ctx, job).catch(() => null);
  if (!record) return;
  const text =
    'failed' in how ? `The change stopped before it could finish (${how.failed}); see the audit for what was done.` : 'The change was cancelled before it ran.';
  for (const from of ['running', 'approved'] as const) if (await finish(ctx, record, { ok: false, text }, from)) return;
}

/** The approvals' core jobs, registered by the runtime: making an approved change, and the expiry sweep. */
export function approvalHandlers(ctx: CoreContext): JobHandler[] {
  return [
    { kind: APPROVAL_RUN_JOB, run: (job) => runApprovedRequest(ctx, job), ended: (job, how) => runEnded(ctx, job, how) },
    {
      kind: APPROVAL_SWEEP.kind,
      lane: 'light',
      async run() {
        return { done: { expired: await expireApprovalRequests(ctx) } };
      },
    },
  ];
}
