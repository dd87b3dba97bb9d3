import { PermanentJobFailure } from '../../core/jobs/job-handler.js';
import { START_NOTICES_JOB, startNoticesSchema, startSummaryText } from '../../core/schedules/run-onboarding.js';
import { postHeldNotices } from '../services/post-held-notices.js';
import { esc } from '../views/kit.js';
import type { WorkspaceJob } from './workspace-job.js';

/**
 * A user's start date came (core/schedules/run-onboarding.ts): the credential notices held in the
 * start's step are posted, each with its Show password button (each once: a rerun posts only those
 * not posted yet), then the summary goes to whoever scheduled it, once, naming what could not be
 * assigned and any recipient the DM did not reach.
 */
export const startNoticesSlackJob: WorkspaceJob = {
  kind: START_NOTICES_JOB,
  async run(deps, job) {
    const parsed = startNoticesSchema.safeParse(job.record.payload);
    if (!parsed.success) throw new PermanentJobFailure('The notices of a start could not be read back.');
    const { member, held, summary } = parsed.data;
    const undelivered = await postHeldNotices(deps, held);
    if (member && !job.progress.reported) {
      const lines = [
        // The values escaped (the summary's own words need none), the members as mentions.
        startSummaryText(
          {
            ...summary,
            userPrincipalName: esc(summary.userPrincipalName),
            assigned: summary.assigned.map(esc),
            notAssigned: summary.notAssigned.map((n) => ({ product: esc(n.product), reason: esc(n.reason) })),
          },
          (id) => `<@${id}>`,
        ),
        ...(undelivered.length > 0
          ? [
              `The credentials could not be sent to ${undelivered.map((u) => `<@${u.recipient}>`).join(', ')}: reset the password of ${esc(summary.userPrincipalName)} to give them new ones.`,
            ]
          : []),
      ];
      await deps.slack.dm(member, { text: lines.join('\n') });
      await job.saveProgress({ reported: true });
    }
    return { done: { posted: held.length - undelivered.length, undelivered: undelivered.length } };
  },
};
