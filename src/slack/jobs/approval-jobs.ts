import { z } from 'zod';
import { approvalForNotice, recordApprovalMessages } from '../../core/approvals/approval-notices.js';
import { APPROVAL_DECIDED_JOB, APPROVAL_NOTIFY_JOB } from '../../core/approvals/request-approval.js';
import { PermanentJobFailure } from '../../core/jobs/job-handler.js';
import type { RunningJob } from '../../core/jobs/job-handler.js';
import type { ApprovalMessageRef } from '../../store/approvals.js';
import { describeError } from '../../log.js';
import type { ListenerDeps } from '../deps.js';
import { approverMessage, decidedMessage, outcomeText, requesterMessage } from '../views/approval-views.js';
import type { WorkspaceJob } from './workspace-job.js';

const payloadSchema = z.object({ requestId: z.string() });

async function requestOf(deps: ListenerDeps, job: RunningJob) {
  const payload = payloadSchema.safeParse(job.record.payload);
  const found = payload.success ? await approvalForNotice(deps.core, payload.data.requestId) : null;
  if (!found) throw new PermanentJobFailure('The approval request is gone.');
  return found;
}

/**
 * A new request: the requester's DM (Pending approval, Cancel) and each approver's (what will
 * change, Approve / Deny), each sent once (the job's progress lists who has theirs) and kept to be
 * updated when the request is decided. A request decided before its DMs went out sends none.
 */
export const approvalNotifySlackJob: WorkspaceJob = {
  kind: APPROVAL_NOTIFY_JOB,
  lane: 'light',
  async run(deps, job) {
    const { line, approvers } = await requestOf(deps, job);
    if (line.status !== 'pending') return { done: { skipped: line.status } };
    const sent = new Set(Array.isArray(job.progress.sent) ? (job.progress.sent as string[]) : []);
    const send = async (member: string, message: { text: string; blocks: unknown[] }) => {
      if (sent.has(member)) return;
      try {
        const posted = await deps.slack.dm(member, message as Parameters<typeof deps.slack.dm>[1]);
        const ref: ApprovalMessageRef = { channel: posted.channel, ts: posted.ts, member };
        await recordApprovalMessages(deps.core, line.id, [ref]);
      } catch (error) {
        deps.logger.warn('approval DM not sent', { request: line.id, member, ...describeError(error) });
      }
      sent.add(member);
      await job.saveProgress({ sent: [...sent] });
    };
    if (line.requesterMember) await send(line.requesterMember, requesterMessage(line, approvers.length));
    for (const member of approvers) await send(member, approverMessage(line));
    return { done: { approvers: approvers.length } };
  },
};

/**
 * A decided request (approved and made, failed, denied, cancelled, expired): every DM about it
 * is updated to say so ("Approved by <@U…>", its buttons gone) and the requester is told.
 */
export const approvalDecidedSlackJob: WorkspaceJob = {
  kind: APPROVAL_DECIDED_JOB,
  lane: 'light',
  async run(deps, job) {
    const { line, messages } = await requestOf(deps, job);
    const done = new Set(Array.isArray(job.progress.updated) ? (job.progress.updated as string[]) : []);
    for (const ref of messages) {
      if (done.has(ref.ts)) continue;
      await deps.slack
        .updateMessage(ref.channel, ref.ts, decidedMessage(line))
        .catch((error: unknown) => deps.logger.warn('approval DM not updated', { request: line.id, ...describeError(error) }));
      done.add(ref.ts);
      await job.saveProgress({ ...job.progress, updated: [...done] });
    }
    if (line.requesterMember && !job.progress.told && line.status !== 'cancelled') {
      await job.saveProgress({ updated: [...done], told: true });
      await deps.slack.dm(line.requesterMember, { text: outcomeText(line) });
    }
    return { done: { updated: done.size } };
  },
};
