import { NOTICE_JOB, noticeOf } from '../../core/notices/queue-notice.js';
import type { WorkspaceJob } from './workspace-job.js';
import { textMessage } from '../views/kit.js';

/** Sends a notice the core queued (core/notices) as a DM, escaped. */
export const noticeSlackJob: WorkspaceJob = {
  kind: NOTICE_JOB,
  lane: 'light',
  async run(deps, job) {
    const { member, text } = noticeOf(job.record);
    await deps.slack.dm(member, textMessage(text));
    return { done: {} };
  },
};
