import type { JobHandler } from '../../core/jobs/job-handler.js';
import { NOTICE_JOB, noticeOf } from '../../core/notices/queue-notice.js';
import type { ListenerDeps } from '../deps.js';
import { textMessage } from '../views/kit.js';

/** Sends a notice the core queued (core/notices) as a DM, escaped. */
export function noticeSlackJob(deps: ListenerDeps): JobHandler {
  return {
    kind: NOTICE_JOB,
    lane: 'light',
    async run(job) {
      const { member, text } = noticeOf(job.record);
      await deps.slack.dm(member, textMessage(text));
      return { done: {} };
    },
  };
}
