import type { JobRecord } from '../../domain/jobs.js';
import type { RunningJob } from '../../core/jobs/job-handler.js';
import { EDIT_MANY_JOB, editManyJobResult, runEditManyJob } from '../../core/users/edit-many-job.js';
import { editManyResultsCsv } from '../../core/users/edit-many.js';
import type { ListenerDeps } from '../deps.js';
import { editManyResultsMessage } from '../views/edit-many-results.js';
import { esc } from '../views/kit.js';
import type { WorkspaceJob } from './workspace-job.js';

/**
 * Edit many in the app: the core edits the users batch by batch (resumed after a restart), then
 * the admin gets the counts by DM with a CSV of every user and outcome. The report is the job's
 * last step, in two parts each recorded in its progress as soon as it is done (the DM, where it was
 * posted; then the file): a restart goes on with the part not recorded, so the DM is not posted
 * again while its file was uploading. (Only a crash between Slack's answer and that record, a few
 * milliseconds, can still repeat a part.)
 */
export const editManySlackJob: WorkspaceJob = {
  kind: EDIT_MANY_JOB,
  async run(deps, job) {
    const end = await runEditManyJob(deps.core, job);
    if ('stopped' in end) return end;
    if (!job.progress.reported) {
      await reportEditMany(deps, job.record, 'finished', job);
      await job.saveProgress({ reported: true });
    }
    deps.logger.info('users edited', { job: job.record.id, by: job.record.requestedBy, ...end.done });
    return end;
  },
  async ended(deps, job, how) {
    if ('cancelled' in how) await reportEditMany(deps, job, 'cancelled');
    else
      await deps.slack.dm(job.requestedBy, {
        text: esc(`Edit users stopped: ${how.failed} The users changed before it stopped keep their change; \`/users jobs\` shows it.`),
      });
  },
};

async function reportEditMany(deps: ListenerDeps, job: JobRecord, how: 'finished' | 'cancelled', running?: RunningJob): Promise<void> {
  const result = await editManyJobResult(deps.core, job.id);
  const message = editManyResultsMessage(result);
  const kept = running?.progress.reportChannel;
  let channel = typeof kept === 'string' ? kept : null;
  if (!channel) {
    const posted = await deps.slack.dm(
      job.requestedBy,
      how === 'finished' ? message : { ...message, text: `Edit users was cancelled after ${result.rows.length} users. ${message.text}` },
    );
    channel = posted.channel;
    await running?.saveProgress({ reportChannel: channel });
  }
  await deps.slack.uploadFile(channel, {
    filename: 'edit-users-results.csv',
    title: 'Edit users: every user and outcome',
    bytes: await editManyResultsCsv(result),
  });
}
