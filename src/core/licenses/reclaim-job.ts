import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import type { JobQueue } from '../../domain/jobs.js';
import { appendJobOutcomes, findJob, jobOutcomes } from '../../store/jobs.js';
import { actorId, actorSchema, reportChange, type Actor, type CoreContext } from '../context.js';
import { productBySkuId, type Product } from '../catalogue/catalogue.js';
import { changeDirectory } from '../directory/change-directory.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure, type JobEnd, type RunningJob } from '../jobs/job-handler.js';
import { fail, ok, type Result } from '../result.js';
import { step } from '../transaction.js';
import { sumByCurrency, type Money } from './money.js';
import { fingerprintOf, organizationPrices, reclaimCandidates } from './reclaim-report.js';
import { planReclaim, reclaimUserWithin, type ReclaimOutcome, type ReclaimTarget } from './reclaim-user.js';

export const RECLAIM_JOB = 'licenses.reclaim';

/** Users reclaimed in one step (one transaction, each user in a savepoint of it). */
export const RECLAIM_BATCH = 50;

const targetSchema = z.object({ userId: z.string(), userPrincipalName: z.string(), skuIds: z.array(z.string()) });
const payloadSchema = z.object({ actor: actorSchema, targets: z.array(targetSchema) });
const outcomeSchema = z.union([
  z.object({ done: z.object({ userPrincipalName: z.string(), skuIds: z.array(z.string()) }) }),
  z.object({ notDone: z.object({ userPrincipalName: z.string(), reason: z.string() }) }),
]);

/** What "Reclaim all" confirms: the number of users (the command line's --confirm), and in Slack the set it was shown. */
export interface ReclaimConfirmation {
  count: number;
  fingerprint?: string;
}

export interface ReclaimResult {
  done: { userPrincipalName: string; products: Product[] }[];
  notDone: { userPrincipalName: string; reason: string }[];
  /** Seats freed, per product. */
  freed: { product: Product; seats: number }[];
  /** What the freed seats cost a month, for the products with a price. */
  monthly: Money[];
  /** How many users the reclaim named (the outcomes so far may be fewer). */
  total: number;
  dryRun: boolean;
}

/** The proposed users now, refused when they are not the set that was confirmed (someone changed something meanwhile). */
async function confirmedTargets(ctx: CoreContext, tenantId: string, confirmation: ReclaimConfirmation): Promise<Result<{ targets: ReclaimTarget[] }>> {
  const { rows, count } = await reclaimCandidates(ctx, tenantId);
  if (count === 0)
    return fail(
      'not_found',
      'Nobody is proposed for reclaiming: no licensed user has their sign-in blocked or has not signed in for a while (but those kept).',
    );
  const changed =
    confirmation.count !== rows.length || (confirmation.fingerprint !== undefined && confirmation.fingerprint !== fingerprintOf(rows.map((r) => r.userId)));
  if (changed)
    return fail(
      'conflict',
      `The report changed since it was confirmed: it proposes ${rows.length} user${rows.length === 1 ? '' : 's'} now, ${confirmation.count} were confirmed. Nothing was taken; look at the report again.`,
    );
  return ok({ targets: rows.map((r) => ({ userId: r.userId, userPrincipalName: r.userPrincipalName, skuIds: r.products.map((p) => p.skuId) })) });
}

/**
 * "Reclaim all" (`/licenses reclaim`, `roster licenses reclaim --confirm N`): checks the permission
 * and that the confirmed set is the proposed one, then queues one job for all of them on `queue`.
 */
export async function queueReclaim(
  ctx: CoreContext,
  actor: Actor,
  confirmation: ReclaimConfirmation,
  options: { queue: JobQueue },
): Promise<Result<{ jobId: string; users: number }>> {
  const planned = await planReclaim(ctx, actor);
  if (!planned.ok) return planned;
  const tenantId = planned.plan.auth.tenant.id;
  const confirmed = await confirmedTargets(ctx, tenantId, confirmation);
  if (!confirmed.ok) return confirmed;
  const { id } = await enqueue(ctx, {
    tenantId,
    kind: RECLAIM_JOB,
    queue: options.queue,
    payload: { actor, targets: confirmed.targets } satisfies z.input<typeof payloadSchema>,
    requestedBy: actorId(actor),
    maxAttempts: 3,
  });
  return ok({ jobId: id, users: confirmed.targets.length });
}

/** `--dry-run`: every user's reclaim rehearsed (each in a transaction rolled back), nothing kept. */
export async function rehearseReclaim(ctx: CoreContext, actor: Actor, confirmation: ReclaimConfirmation): Promise<Result<ReclaimResult>> {
  const planned = await planReclaim(ctx, actor);
  if (!planned.ok) return planned;
  const { plan } = planned;
  const confirmed = await confirmedTargets(ctx, plan.auth.tenant.id, confirmation);
  if (!confirmed.ok) return confirmed;
  const outcomes: ReclaimOutcome[] = [];
  for (const target of confirmed.targets) {
    const rehearsed = await changeDirectory(ctx, plan.auth.tenant, (tx, directory) => reclaimUserWithin(tx, directory, plan, target, ctx.now()), {
      dryRun: true,
    });
    outcomes.push(rehearsed.ok ? rehearsed.value : { notDone: { userPrincipalName: target.userPrincipalName, reason: rehearsed.message } });
  }
  return ok(resultOf(outcomes, await organizationPrices(ctx, plan.auth.tenant.id), confirmed.targets.length, true));
}

/**
 * Runs (or resumes) a reclaim job: RECLAIM_BATCH users a step, each in a savepoint of it with their
 * outcome stored in the same step, so every user is acted on once whatever restarts happen.
 */
export async function runReclaimJob(ctx: CoreContext, job: RunningJob): Promise<JobEnd> {
  const payload = payloadSchema.safeParse(job.record.payload);
  if (!payload.success) throw new PermanentJobFailure('The reclaim could not be read back; start it again from the report.');
  const { actor, targets } = payload.data;
  const planned = await planReclaim(ctx, actor);
  if (!planned.ok) throw new PermanentJobFailure(planned.message);
  const { plan } = planned;
  for (let next = Number(job.progress.next ?? 0); next < targets.length; next += RECLAIM_BATCH) {
    const stop = job.stopRequested();
    if (stop) return { stopped: stop };
    const batch = targets.slice(next, next + RECLAIM_BATCH);
    // A step: decided, sent to a connected tenant (changeDirectory), then kept with the job's progress.
    const stepped = await changeDirectory(
      ctx,
      plan.auth.tenant,
      async (tx, directory) => {
        const outcomes: ReclaimOutcome[] = [];
        for (const target of batch) {
          const one = await step(tx, () => reclaimUserWithin(tx, directory, plan, target, ctx.now()));
          outcomes.push(one.ok ? one.value : { notDone: { userPrincipalName: target.userPrincipalName, reason: one.message } });
        }
        await appendJobOutcomes(tx, job.record.id, outcomes);
        return outcomes;
      },
      { keep: (work) => job.step(work, () => ({ next: next + batch.length, total: targets.length })) },
    );
    if (!stepped.ok) throw new Error(stepped.message);
    if (stepped.value.some((o) => 'done' in o)) reportChange(ctx, plan.auth.tenant, 'licenses', actor);
    await nextTurn();
  }
  const result = await reclaimJobResult(ctx, job.record.id);
  return { done: { done: result.done.length, notDone: result.notDone.length, total: targets.length } };
}

/** A reclaim job's results from its stored outcomes. */
export async function reclaimJobResult(ctx: CoreContext, jobId: string): Promise<ReclaimResult> {
  const job = await findJob(ctx.db, jobId);
  const payload = payloadSchema.safeParse(job?.payload);
  if (!job?.tenantId || !payload.success) throw new PermanentJobFailure('The reclaim could not be read back.');
  const outcomes: ReclaimOutcome[] = [];
  for (let after = -1; ; ) {
    const page = await jobOutcomes(ctx.db, jobId, after, 1000);
    for (const { data } of page) {
      const outcome = outcomeSchema.safeParse(data);
      if (outcome.success) outcomes.push(outcome.data);
    }
    if (page.length < 1000) break;
    after = page.at(-1)!.seq;
  }
  return resultOf(outcomes, await organizationPrices(ctx, job.tenantId), payload.data.targets.length, false);
}

function resultOf(outcomes: readonly ReclaimOutcome[], prices: ReadonlyMap<string, Money>, total: number, dryRun: boolean): ReclaimResult {
  const product = (skuId: string) => productBySkuId(skuId) ?? { skuId, partNumber: skuId, displayName: skuId, plans: [] };
  const freed = new Map<string, number>();
  const done: ReclaimResult['done'] = [];
  const notDone: ReclaimResult['notDone'] = [];
  for (const outcome of outcomes) {
    if ('notDone' in outcome) {
      notDone.push(outcome.notDone);
      continue;
    }
    done.push({ userPrincipalName: outcome.done.userPrincipalName, products: outcome.done.skuIds.map(product) });
    for (const skuId of outcome.done.skuIds) freed.set(skuId, (freed.get(skuId) ?? 0) + 1);
  }
  return {
    done,
    notDone,
    freed: [...freed].map(([skuId, seats]) => ({ product: product(skuId), seats })),
    monthly: sumByCurrency(
      [...freed].flatMap(([skuId, seats]) => (prices.has(skuId) ? [{ ...prices.get(skuId)!, minor: prices.get(skuId)!.minor * seats }] : [])),
    ),
    total,
    dryRun,
  };
}
