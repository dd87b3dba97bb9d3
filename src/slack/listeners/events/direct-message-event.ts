import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { claimEvent } from '../../../core/events/claim-event.js';
import type { ListenerDeps } from '../../deps.js';
import { afterAck } from '../../services/after-ack.js';
import { helpMessage, USERS_HELP } from '../../views/help-message.js';
import { fileShareMessageEvent } from './file-events.js';

type MessageArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/**
 * The conversation types whose messages Roster reads: only its own DM (the manifest's
 * `message.im`). Files shared in channels arrive as `file_shared`, which needs no history scope.
 */
export const MESSAGE_CHANNEL_TYPES: readonly string[] = ['im'];

interface DirectMessage {
  channel_type?: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  channel: string;
  ts: string;
}

/**
 * A `message` in the DM with Roster: a CSV shared there gets the import preview; anything typed
 * by a person (not a file share, bot message, edit or deletion, which all carry a subtype or a
 * bot id) gets the short help.
 */
export function directMessageEvent(deps: ListenerDeps) {
  const fileShare = fileShareMessageEvent(deps);
  return async (args: MessageArgs): Promise<void> => {
    const message = args.event as unknown as DirectMessage;
    if (!MESSAGE_CHANNEL_TYPES.includes(message.channel_type ?? '')) return;
    if (message.subtype === 'file_share') return fileShare(args);
    if (message.subtype !== undefined || message.bot_id || !message.user || message.user === args.context.botUserId) return;
    const teamId = (args.body as { team_id?: string }).team_id ?? args.context.teamId ?? '';
    // A retried delivery of the same message gets no second answer.
    if (!(await claimEvent(deps.core, `dm:${teamId}:${message.channel}:${message.ts}`))) return;
    const user = message.user;
    await afterAck(deps, user, 'answer your message', async () => {
      await deps.slack.postMessage(message.channel, helpMessage(USERS_HELP));
    });
  };
}
