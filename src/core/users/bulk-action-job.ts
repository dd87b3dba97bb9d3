import { setImmediate as nextTurn } from 'node:timers/promises';
import { holdForApproval } from '../approvals/request-approval.js';
import type { ApprovalGrant } from '../approvals/approval-change.js';
import { deleteChange } from './delete-users.js';
import { z } from 'zod';
import type { JobQueue } from '../../domain/jobs.js';
import type { Db } from '../../store/database.js';
import { appendJobOutcomes, findJob, jobOutcomes } from '../../store/jobs.js';
import { authorize } from '../access/authorize.js';
import { actorId, actorSchema, actorSlackMember, reportChange, type Actor, type CoreContext } from '../context.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure, type JobEnd, type RunningJob } from '../jobs/job-handler.js';
import { ok, type Result } from '../result.js';
import type { CredentialNotice } from './add-user.js';
import {
  BULK_ACTIONS,
  BULK_PERMISSION,
  bulkOptionsSchema,
  type BulkAction,
  type BulkActionInput,
  type BulkOptions,
  type BulkOutcome,
} from './bulk-action-input.js';
import { actOnUser } from './bulk-action-steps.js';
import { changeDirectory } from '../directory/change-directory.js';
import { planBulkAction, type BulkResult } from './bulk-actions.js';

/** The job kind of each bulk action (one kind each, so `/users jobs` can say which). */
export const BULK_ACTION_JOB: Record<BulkAction, string> = {
  reset_password: 'bulk.reset_password',
  block: 'bulk.block',
  unblock: 'bulk.unblock',
  delete: 'bulk.delete',
  restore: 'bulk.restore',
};

/** How the jobs list names them. */
export const BULK_ACTION_JOB_NAMES: Record<string, string> = {
  [BULK_ACTION_JOB.reset_password]: 'Reset passwords',
  [BULK_ACTION_JOB.block]: 'Block sign-in',
  [BULK_ACTION_JOB.unblock]: 'Allow sign-in',
  [BULK_ACTION_JOB.delete]: 'Delete users',
  [BULK_ACTION_JOB.restore]: 'Restore users',
};

const targetSchema = z.union([z.object({ id: z.string(), userPrincipalName: z.string() }), z.object({ name: z.string(), problem: z.string() })]);

const payloadSchema = z.object({
  actor: actorSchema,
  action: z.enum(BULK_ACTIONS),
  targets: z.array(targetSchema),
  options: bulkOptionsSchema,
});

/** A user's outcome as stored with the job (`h`: the ids of the credentials held for their new password, never the password). */
const outcomeSchema = z.object({
  n: z.string(),
  i: z.string().nullable(),
  d: z.boolean(),
  r: z.string().nullable(),
  x: z.string().nullable(),
  h: z.array(z.string()).default([]),
});

/**
 * Where a new temporary password goes, inside the job's step that set it, so that both stand or
 * fall together: `to` are the Slack members its notice is for (the admin who asked, and a reset's
 * recipients). Returns what to keep with the user's outcome: the app seals the password for each of
 * them and returns the held credentials' ids (their notices are posted after); the command line
 * keeps it for its own output and returns none.
 */
export type PasswordKeeper = (tx: Db, notice: CredentialNotice, to: readonly string[]) => Promise<string[]>;

/** A bulk action's results: every user's outcome, and the credentials held for the new passwords. */
export interface BulkJobResult extends BulkResult {
  /** The ids of the credentials held for the new passwords (their notices to post). */
  held: string[];
  /** The Slack members each new password's notice is for. */
  noticesTo: string[];
  /** How many users the action names (the outcomes so far may be fewer). */
  total: number;
}

/**
 * Queues a bulk action as a job after checking it (`planBulkAction`): the runner of `queue` (any
 * app instance, or this CLI process) acts on one user per step, and a restart goes on with the
 * next user. Returns the job and how many users it names.
 */
export async function queueBulkAction(
  ctx: CoreContext,
  actor: Actor,
  input: BulkActionInput,
  options: { queue: JobQueue; approval?: ApprovalGrant },
): Promise<Result<{ jobId: string; users: number }>> {
  const planned = await planBulkAction(ctx, actor, input);
  if (!planned.ok) return planned;
  const { plan } = planned;
  const found = plan.targets.flatMap((t) => ('id' in t ? [t] : []));
  if (plan.action === 'delete' && found.length > 0) {
    const held = await holdForApproval(ctx, plan.auth, deleteChange(found, 'bulk'), options);
    if (held) return held;
  }
  const { id } = await enqueue(ctx, {
    tenantId: plan.auth.tenant.id,
    kind: BULK_ACTION_JOB[plan.action],
    queue: options.queue,
    payload: { actor, action: plan.action, targets: plan.targets, options: plan.options } satisfies z.input<typeof payloadSchema>,
    requestedBy: actorId(actor),
    maxAttempts: 3,
  });
  return ok({ jobId: id, users: plan.targets.length });
}

/**
 * Runs (or resumes) a bulk action job: from the user its progress names, each user is acted on in
 * the job's step (a savepoint of it, so a refusal undoes that user alone), with their outcome and
 * their new password's keeping in the same transaction: each user is acted on once, and the results
 * list every user whatever restarts happened. The permission is checked again here; who may act on
 * whom, per user, inside each step.
 */
export async function runBulkActionJob(ctx: CoreContext, job: RunningJob, keep: PasswordKeeper): Promise<JobEnd> {
  const payload = payloadSchema.safeParse(job.record.payload);
  if (!payload.success) throw new PermanentJobFailure('The bulk action could not be read back; start it again.');
  const { actor, action, targets, options } = payload.data;
  const auth = await authorize(ctx, actor, BULK_PERMISSION[action]);
  if (!auth.ok) throw new PermanentJobFailure(auth.message);
  const plan = { auth, action, options, passwords: new Map<string, { value: string; hash: string }>() };
  const to = noticesTo(actor, action, options);
  for (let next = Number(job.progress.next ?? 0); next < targets.length; next++) {
    const stop = job.stopRequested();
    if (stop) return { stopped: stop };
    const now = ctx.now();
    // One user per step: decided, sent to a connected tenant, then kept with the job's progress.
    const outcome = await changeDirectory(
      ctx,
      auth.tenant,
      async (tx, directory) => {
        const settled = await actOnUser(tx, directory, plan, targets[next]!, now);
        const held = settled.notice ? await keep(tx, settled.notice, to) : [];
        const { name, userId, done, reason, note } = settled.outcome;
        await appendJobOutcomes(tx, job.record.id, [{ n: name, i: userId, d: done, r: reason, x: note, h: held } satisfies z.input<typeof outcomeSchema>]);
        return settled.outcome;
      },
      { keep: (work) => job.step(work, () => ({ next: next + 1, total: targets.length })) },
    );
    if (!outcome.ok) throw new Error(outcome.message);
    if (outcome.value.done) {
      reportChange(ctx, auth.tenant, 'users', actor);
      if (action === 'delete' || action === 'restore') reportChange(ctx, auth.tenant, 'licenses', actor);
    }
    // One user per step holds the event loop a few milliseconds; let requests in between.
    await nextTurn();
  }
  const { outcomes } = await bulkActionJobResult(ctx, job.record.id);
  return { done: { done: outcomes.filter((o) => o.done).length, refused: outcomes.filter((o) => !o.done).length, total: targets.length } };
}

/**
 * A bulk action job's results so far, from its stored outcomes: every user's outcome, the
 * credentials held for the new passwords, whom their notices are for, and how many users it names.
 */
export async function bulkActionJobResult(ctx: CoreContext, jobId: string): Promise<BulkJobResult> {
  const job = await findJob(ctx.db, jobId);
  const payload = payloadSchema.safeParse(job?.payload);
  if (!payload.success) throw new PermanentJobFailure('The bulk action could not be read back.');
  const { actor, action, targets, options } = payload.data;
  const outcomes: BulkOutcome[] = [];
  const held: string[] = [];
  for (let after = -1; ; ) {
    const page = await jobOutcomes(ctx.db, jobId, after, 1000);
    for (const { data } of page) {
      const row = outcomeSchema.safeParse(data);
      if (!row.success) continue;
      outcomes.push({ name: row.data.n, userId: row.data.i, done: row.data.d, reason: row.data.r, note: row.data.x });
      held.push(...row.data.h);
    }
    if (page.length < 1000) break;
    after = page.at(-1)!.seq;
  }
  return { action, outcomes, held, noticesTo: noticesTo(actor, action, options), total: targets.length, dryRun: false };
}

/** Whom a new password's notice is for: the Slack member who asked, and a reset's recipients (a command-line operator has no Slack). */
function noticesTo(actor: Actor, action: BulkAction, options: BulkOptions): string[] {
  const admin = actorSlackMember(actor);
  const recipients = action === 'reset_password' ? options.credentialRecipients.filter((id) => id !== admin) : [];
  return [...(admin ? [admin] : []), ...new Set(recipients)];
}

/** The bulk action a job of this kind runs, if it is one. */
export function bulkActionOfJob(kind: string): BulkAction | null {
  return BULK_ACTIONS.find((action) => BULK_ACTION_JOB[action] === kind) ?? null;
}
