import type { BlockAction, ButtonAction } from '@slack/bolt';
import { cancelJob } from '../../../core/jobs/list-jobs.js';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { change } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { esc } from '../../views/kit.js';

/** **Cancel** beside a job in `/users jobs`: the core checks it is the member's own job; the answer comes by DM. */
export const cancelJobAction =
  (deps: ListenerDeps) =>
  ({ body }: ActionArgs<BlockAction<ButtonAction>>) => {
    const actor = actorFromBody(body);
    const jobId = body.actions[0]?.value ?? '';
    return {
      after: change('cancel the job', async () => {
        const result = await cancelJob(deps.core, actor, jobId);
        const text = !result.ok
          ? result.message
          : result.how === 'cancelled'
            ? `${result.job}: cancelled before it started.`
            : `${result.job}: stopping at its next step; what it did before stays done, and its report follows.`;
        await deps.slack.dm(actor.slackUserId, { text: esc(text) });
      }),
    };
  };
