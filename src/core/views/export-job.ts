import { z } from 'zod';
import { actorId, actorSchema, type Actor, type CoreContext } from '../context.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure } from '../jobs/job-handler.js';
import type { JobRecord } from '../../domain/jobs.js';
import { authorize } from '../access/authorize.js';
import { ok, type Result } from '../result.js';
import { resolveView } from './resolve-view.js';

export const EXPORT_JOB = 'export';

const payloadSchema = z.object({ actor: actorSchema, view: z.string() });

/**
 * Queues the export of a view (any admin role) after checking the view exists: the app's runner
 * writes the CSV and uploads it into the admin's DM (slack/jobs/export-job.ts), again after a
 * restart if the first run was cut short.
 */
export async function queueExport(ctx: CoreContext, actor: Actor, viewText: string): Promise<Result<{ jobId: string; view: string }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const resolved = await resolveView(ctx.db, auth.tenant.id, viewText);
  if (!resolved.ok) return resolved;
  const { view } = resolved;
  const { id } = await enqueue(ctx, {
    tenantId: auth.tenant.id,
    kind: EXPORT_JOB,
    payload: { actor, view: viewText } satisfies z.input<typeof payloadSchema>,
    requestedBy: actorId(actor),
    maxAttempts: 3,
  });
  return ok({ jobId: id, view: view.name });
}

/** What an export job asks for. */
export function exportJobPayload(job: JobRecord): { actor: Actor; view: string } {
  const payload = payloadSchema.safeParse(job.payload);
  if (!payload.success) throw new PermanentJobFailure('The export could not be read back; ask for it again.');
  return payload.data;
}
