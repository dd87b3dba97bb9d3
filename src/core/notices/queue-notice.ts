import { z } from 'zod';
import type { JobRecord } from '../../domain/jobs.js';
import type { Db } from '../../store/database.js';
import type { CoreContext } from '../context.js';
import { enqueue } from '../jobs/enqueue.js';
import { PermanentJobFailure } from '../jobs/job-handler.js';

/**
 * A sentence for a Slack member that whoever made it cannot send itself (the CLI has no Slack):
 * queued as a job on the app's queue, so the app sends it as a DM, now or when it next runs.
 * Plain text: the app escapes it. Never a secret.
 */
export const NOTICE_JOB = 'notice';

const payloadSchema = z.object({ member: z.string().regex(/^[UW][A-Z0-9]+$/), text: z.string().min(1).max(3000) });

export async function queueNotice(ctx: CoreContext, notice: { tenantId: string; member: string; text: string }, tx?: Db): Promise<void> {
  await enqueue(
    ctx,
    {
      tenantId: notice.tenantId,
      kind: NOTICE_JOB,
      payload: { member: notice.member, text: notice.text } satisfies z.input<typeof payloadSchema>,
      requestedBy: 'roster:notice',
      maxAttempts: 10,
    },
    tx,
  );
}

export function noticeOf(job: JobRecord): { member: string; text: string } {
  const payload = payloadSchema.safeParse(job.payload);
  if (!payload.success) throw new PermanentJobFailure('The notice could not be read back.');
  return payload.data;
}
