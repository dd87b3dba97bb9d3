import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.js';
import { actorFromBody } from '../../parse/actor.js';
import { change } from '../../services/answer.js';
import type { ActionArgs } from '../../services/answering.js';
import { slackErrorCode } from '../../services/slack-errors.js';

/**
 * **Delete** on an import's results DM: deletes the results file (the passwords) first, then the
 * message. Only in a DM with Roster (the member it was sent to is the only one who sees it).
 */
export const deleteImportResultsAction =
  (deps: ListenerDeps) =>
  ({ body }: ActionArgs<BlockAction<ButtonAction>>) => {
    const actor = actorFromBody(body);
    const fileId = body.actions[0]?.value ?? '';
    const channel = body.channel?.id ?? body.container?.channel_id;
    const ts = body.message?.ts ?? body.container?.message_ts;
    if (!channel?.startsWith('D') || !ts || !/^F[A-Z0-9]+$/.test(fileId)) return {};
    return {
      after: change('delete the import results', async () => {
        try {
          await deps.slack.deleteFile(fileId);
        } catch (error) {
          // Already deleted by hand: the message still goes.
          if (slackErrorCode(error) !== 'file_not_found') throw error;
        }
        await deps.slack.deleteMessage(channel, ts);
        deps.logger.info('import results deleted', { by: actor.slackUserId });
      }),
    };
  };
