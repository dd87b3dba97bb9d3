import { z } from 'zod';
import type { JobQueue } from '../../domain/jobs.js';
import { appendJobOutcomes, jobOutcomes } from '../../store/jobs.js';
import { actorId, actorSchema, reportChange, type Actor, type CoreContext } from '../context.js';
import { findProduct } from '../catalogue/find-product.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure, type JobEnd, type RunningJob } from '../jobs/job-handler.js';
import { ok, type Result } from '../result.js';
import { step } from '../transaction.js';
import { changeDirectory } from '../directory/change-directory.js';
import {
  changeProductForUser,
  planProductChange,
  productChangeResult,
  type ProductChangeInput,
  type ProductChangeOutcome,
  type ProductChangeResult,
} from './product-change.js';

export const PRODUCT_CHANGE_JOB = 'product_change';

const payloadSchema = z.object({
  actor: actorSchema,
  skuId: z.string(),
  direction: z.enum(['assign', 'unassign']),
  names: z.array(z.string()),
  byId: z.boolean(),
  disabledPlans: z.array(z.string()),
});

const outcomeSchema = z.union([
  z.object({ done: z.object({ userId: z.string(), userPrincipalName: z.string() }) }),
  z.object({ notDone: z.object({ name: z.string(), problems: z.array(z.string()) }) }),
]);

/** Queues a product change (the Licenses page's assign or unassign) as a job, after checking it. */
export async function queueProductChange(
  ctx: CoreContext,
  actor: Actor,
  input: Omit<ProductChangeInput, 'dryRun'>,
  direction: 'assign' | 'unassign',
  options: { queue: JobQueue },
): Promise<Result<{ jobId: string; users: number; product: string }>> {
  const planned = await planProductChange(ctx, actor, input, direction);
  if (!planned.ok) return planned;
  const { plan } = planned;
  const { id } = await enqueue(ctx, {
    tenantId: plan.auth.tenant.id,
    kind: PRODUCT_CHANGE_JOB,
    queue: options.queue,
    payload: {
      actor,
      skuId: plan.product.skuId,
      direction,
      names: plan.names,
      byId: plan.byId,
      disabledPlans: plan.disabledPlans,
    } satisfies z.input<typeof payloadSchema>,
    requestedBy: actorId(actor),
    maxAttempts: 3,
  });
  return ok({ jobId: id, users: plan.names.length, product: plan.product.displayName });
}

/** Runs (or resumes) a product change job: a user per step, each user's outcome stored with the change. */
export async function runProductChangeJob(ctx: CoreContext, job: RunningJob): Promise<JobEnd> {
  const payload = payloadSchema.safeParse(job.record.payload);
  if (!payload.success) throw new PermanentJobFailure('The change could not be read back; make it again.');
  const { actor, skuId, direction, names, byId, disabledPlans } = payload.data;
  const product = productBySkuId(skuId) ?? findProduct(skuId);
  const planned = await planProductChange(
    ctx,
    actor,
    { product: product && 'partNumber' in product ? product.partNumber : skuId, users: byId ? { ids: names } : { usernames: names }, disabledPlans },
    direction,
  );
  if (!planned.ok) throw new PermanentJobFailure(planned.message);
  const { plan } = planned;
  for (let next = Number(job.progress.next ?? 0); next < names.length; next++) {
    const stop = job.stopRequested();
    if (stop) return { stopped: stop };
    const now = ctx.now();
    // One user per step: decided, sent to a connected tenant, then kept with the job's progress.
    const outcome = await changeDirectory(
      ctx,
      plan.auth.tenant,
      async (tx, directory) => {
        const decided = await changeProductForUser(tx, plan, names[next]!, now, (work) => step(tx, () => work(tx, directory)));
        await appendJobOutcomes(tx, job.record.id, [decided]);
        return decided;
      },
      { keep: (work) => job.step(work, () => ({ next: next + 1, total: names.length })) },
    );
    if (!outcome.ok) throw new Error(outcome.message);
    if ('done' in outcome.value) reportChange(ctx, plan.auth.tenant, 'licenses', actor);
  }
  const result = await productChangeJobResult(ctx, job.record.id, skuId);
  return { done: { done: result?.done.length ?? 0, notDone: result?.notDone.length ?? 0 } };
}

/** A product change job's result from its stored outcomes (null when the product is unknown). */
export async function productChangeJobResult(ctx: CoreContext, jobId: string, skuId: string): Promise<ProductChangeResult | null> {
  const product = productBySkuId(skuId);
  if (!product) return null;
  const outcomes: ProductChangeOutcome[] = [];
  for (const { data } of await jobOutcomes(ctx.db, jobId, -1, 10_000)) {
    const outcome = outcomeSchema.safeParse(data);
    if (outcome.success) outcomes.push(outcome.data);
  }
  return productChangeResult(product, outcomes, false);
}
