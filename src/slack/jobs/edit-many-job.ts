import type { JobRecord } from '../../domain/jobs.js';
import type { JobHandler } from '../../core/jobs/job-handler.js';
import { EDIT_MANY_JOB, editManyJobResult, runEditManyJob } from '../../core/users/edit-many-job.js';
import { editManyResultsCsv } from '../../core/users/edit-many.js';
import type { ListenerDeps } from '../deps.js';
import { editManyResultsMessage } from '../views/edit-many-results.js';
import { esc } from '../views/kit.js';

/**
 * Edit many in the app: the core edits the users batch by batch (resumed after a restart), then
 * the admin gets the counts by DM with a CSV of every user and outcome. The DM is the job's last
 * step, recorded in its progress, so a restart after it does not send it twice.
 */
export function editManySlackJob(deps: ListenerDeps): JobHandler {
  return {
    kind: EDIT_MANY_JOB,
    async run(job) {
      const end = await runEditManyJob(deps.core, job);
      if ('stopped' in end) return end;
      if (!job.progress.reported) {
        await reportEditMany(deps, job.record, 'finished');
        await job.saveProgress({ reported: true });
      }
      deps.logger.info('users edited', { job: job.record.id, by: job.record.requestedBy, ...end.done });
      return end;
    },
    async ended(job, how) {
      if ('cancelled' in how) await reportEditMany(deps, job, 'cancelled');
      else
        await deps.slack.dm(job.requestedBy, {
          text: esc(`Edit users stopped: ${how.failed} The users changed before it stopped keep their change; \`/users jobs\` shows it.`),
        });
    },
  };
}

async function reportEditMany(deps: ListenerDeps, job: JobRecord, how: 'finished' | 'cancelled'): Promise<void> {
  const result = await editManyJobResult(deps.core, job.id);
  const message = editManyResultsMessage(result);
  const posted = await deps.slack.dm(
    job.requestedBy,
    how === 'finished' ? message : { ...message, text: `Edit users was cancelled after ${result.rows.length} users. ${message.text}` },
  );
  await deps.slack.uploadFile(posted.channel, {
    filename: 'edit-users-results.csv',
    title: 'Edit users: every user and outcome',
    bytes: await editManyResultsCsv(result),
  });
}
