import type { JobLine } from '../../core/jobs/list-jobs.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime } from './dates.js';
import { ACTION } from './ids.js';
import { context, destructiveButton, esc, section } from './kit.js';

const STATUS: Record<JobLine['status'], string> = {
  queued: 'waiting to run',
  running: 'running',
  stalled: 'stopped with its process (it is taken over soon)',
  succeeded: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** `/users jobs`: the organization's running and recent jobs, with Cancel beside those the reader started. */
export function jobsMessage(jobs: readonly JobLine[]): { text: string; blocks: Blocks } {
  if (jobs.length === 0)
    return { text: 'No jobs yet: imports, Edit users, exports and license changes show here while they run and for 30 days after.', blocks: [] };
  const blocks: Blocks = [section('*Jobs* (newest first): imports, Edit users, exports and license changes, while they run and for 30 days after.')];
  for (const job of jobs.slice(0, 20)) {
    const by = job.requestedBy.startsWith('cli:') ? `\`${esc(job.requestedBy)}\` at the command line` : `<@${job.requestedBy}>`;
    const line = [
      `*${esc(job.what)}*: ${STATUS[job.status]}${job.progress ? `, ${esc(job.progress)}` : ''}`,
      `by ${by}, ${slackDateTime(job.createdAt)}${job.finishedAt ? `; ended ${slackDateTime(job.finishedAt)}` : ''}`,
      ...(job.error && job.status !== 'succeeded' ? [`_${esc(job.error.slice(0, 300))}_`] : []),
    ].join('\n');
    blocks.push(
      job.mayCancel
        ? {
            type: 'section',
            text: { type: 'mrkdwn', text: line },
            accessory: destructiveButton('Cancel', ACTION.cancelJob, job.id, {
              title: 'Cancel this job?',
              text: 'It stops at its next step. What it did so far stays done, and its report says so.',
              confirm: 'Cancel the job',
              deny: 'Let it run',
            }),
          }
        : section(line),
    );
  }
  blocks.push(context('Cancel stops a job at its next step: what it did before stays done, and its report says so.'));
  return { text: `${jobs.length} jobs`, blocks };
}
