import { z } from 'zod';
import type { JobQueue } from '../../domain/jobs.js';
import { appendJobOutcomes, jobOutcomes } from '../../store/jobs.js';
import { actorId, actorSchema, reportChange, type Actor, type CoreContext } from '../context.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure, type JobEnd, type RunningJob } from '../jobs/job-handler.js';
import { ok, type Result } from '../result.js';
import { EDIT_MANY_BATCH, editBatchIn } from './edit-many-batch.js';
import { changeDirectory } from '../directory/change-directory.js';
import { countOutcomes, editManyBatches, outcomeRows, planEditMany, type EditManyInput, type EditManyResult, type EditManyRow } from './edit-many.js';
import { editUserInputSchema } from './edit-user-input.js';
import { openEditSession } from './edit-user.js';
import { holdForApproval } from '../approvals/request-approval.js';
import type { ApprovalGrant } from '../approvals/approval-change.js';
import { editManyInputSchema } from './edit-many.js';
import { productBySkuId } from '../catalogue/catalogue.js';

export const EDIT_MANY_JOB = 'edit_many';

const payloadSchema = z.object({
  actor: actorSchema,
  targets: z.array(z.union([z.object({ id: z.string(), userPrincipalName: z.string() }), z.object({ name: z.string(), problem: z.string() })])),
  edit: editUserInputSchema,
  what: z.enum(['users', 'licenses']),
});

const outcomeSchema = z.object({ u: z.string(), o: z.string(), d: z.boolean() });

/**
 * Queues an Edit many as a job after checking it (`planEditMany`): the users are edited by the
 * runner of `queue` (any app instance, or this CLI process), a batch per step, and a restart goes on
 * with the next batch. Returns the job and how many users it names.
 */
export async function queueEditMany(
  ctx: CoreContext,
  actor: Actor,
  raw: EditManyInput,
  options: { queue: JobQueue; approval?: ApprovalGrant },
): Promise<Result<{ jobId: string; users: number }>> {
  const planned = await planEditMany(ctx, actor, raw);
  if (!planned.ok) return planned;
  const { plan } = planned;
  const found = plan.targets.flatMap((t) => ('id' in t ? [t] : []));
  const held = await holdForApproval(ctx, plan.session.auth, editManyChange(raw, found), options);
  if (held) return held;
  const { id } = await enqueue(ctx, {
    tenantId: plan.session.auth.tenant.id,
    kind: EDIT_MANY_JOB,
    queue: options.queue,
    payload: { actor, targets: plan.targets, edit: plan.edit, what: plan.what } satisfies z.input<typeof payloadSchema>,
    requestedBy: actorId(actor),
    maxAttempts: 3,
  });
  return ok({ jobId: id, users: plan.targets.length });
}

/**
 * Runs (or resumes) an Edit many job: from the batch its progress names, each batch of users is
 * edited in the job's step, with every user's outcome stored in the same transaction, so that each
 * user is edited once and the results list every user whatever restarts happened.
 */
export async function runEditManyJob(ctx: CoreContext, job: RunningJob): Promise<JobEnd> {
  const payload = payloadSchema.safeParse(job.record.payload);
  if (!payload.success) throw new PermanentJobFailure('The edit could not be read back; start it again.');
  const { actor, targets, edit, what } = payload.data;
  const session = await openEditSession(ctx, actor);
  if (!session.ok) throw new PermanentJobFailure(session.message);
  const plan = { session, targets, edit, what };
  const from = Number(job.progress.next ?? 0);
  let done = Number(job.progress.done ?? 0);
  const finished = await editManyBatches(
    ctx,
    plan,
    from,
    async (start, ids) => {
      const now = ctx.now();
      // A batch per step: decided, sent to a connected tenant, then kept with the job's progress.
      const rows = await changeDirectory(
        ctx,
        session.auth.tenant,
        async (tx, directory) => {
          const outcomes = ids.length > 0 ? await editBatchIn(tx, { ...session, directory }, ids, edit, { dryRun: false, now }) : new Map();
          const batchRows = outcomeRows(targets.slice(start, start + EDIT_MANY_BATCH), outcomes);
          await appendJobOutcomes(
            tx,
            job.record.id,
            batchRows.map((row) => ({ u: row.userPrincipalName, o: row.outcome, d: row.done })),
          );
          return batchRows;
        },
        { keep: (work) => job.step(work, (batchRows) => ({ next: start + EDIT_MANY_BATCH, done: done + batchRows.length, total: targets.length })) },
      );
      if (!rows.ok) throw new Error(`an Edit many batch failed: ${rows.message}`);
      done += rows.value.length;
      if (rows.value.some((row) => row.outcome === 'Done')) reportChange(ctx, session.auth.tenant, what, actor);
    },
    () => job.stopRequested() !== null,
  );
  if (!finished) return { stopped: job.stopRequested() ?? 'drain' };
  const { counts } = await editManyJobResult(ctx, job.record.id);
  return { done: { done: counts.done, unchanged: counts.unchanged, notDone: counts.notDone.reduce((n, r) => n + r.count, 0), total: targets.length } };
}

/** The results of an Edit many job so far: every user with their outcome, and the counts. */
export async function editManyJobResult(ctx: CoreContext, jobId: string): Promise<EditManyResult> {
  const rows: EditManyRow[] = [];
  for (let after = -1; ; ) {
    const page = await jobOutcomes(ctx.db, jobId, after, 2000);
    for (const { data } of page) {
      const row = outcomeSchema.safeParse(data);
      if (row.success) rows.push({ userPrincipalName: row.data.u, outcome: row.data.o, done: row.data.d });
    }
    if (page.length < 2000) break;
    after = page.at(-1)!.seq;
  }
  return { rows, counts: countOutcomes(rows), dryRun: false };
}

/** An Edit many held for approval: the same edit of exactly the users it found (by id). */
function editManyChange(raw: EditManyInput, found: { id: string; userPrincipalName: string }[]) {
  const input = editManyInputSchema.parse(raw);
  const details = Object.entries(input.detailsPatch ?? {}).filter(([, v]) => v !== undefined && v.trim() !== '');
  const licenses = input.licenses.mode === 'keep' ? [] : input.licenses.products.map((p) => productBySkuId(p.skuId)?.displayName ?? p.skuId);
  return {
    kind: 'edit_many' as const,
    input: { ...input, userIds: found.map((u) => u.id), usernames: [] },
    count: found.length,
    summary: {
      title: `edit ${found.length} users`,
      lines: [
        `Edit ${found.length} users: ${found
          .slice(0, 20)
          .map((u) => u.userPrincipalName)
          .join(', ')}${found.length > 20 ? `, and ${found.length - 20} more` : ''}`,
        ...(details.length ? [`Set ${details.map(([k, v]) => `${k} to "${v}"`).join(', ')}`] : []),
        ...(input.signInAllowed !== undefined ? [`Sign-in ${input.signInAllowed ? 'allowed' : 'blocked'}`] : []),
        ...(input.usageLocation ? [`Usage location ${input.usageLocation}`] : []),
        ...(input.licenses.mode === 'replace' ? [`Licenses replaced by: ${licenses.join(', ') || 'none'}`] : []),
        ...(input.licenses.mode === 'add' ? [`Licenses added: ${licenses.join(', ')}`] : []),
      ],
      userIds: found.map((u) => u.id),
    },
  };
}
