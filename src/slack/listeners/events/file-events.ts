import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.js';
import { afterAck } from '../../services/after-ack.js';
import { isCsvFile } from '../../services/import-download.js';
import { previewUpload } from '../../services/import-preview.js';
import { claimEvent, fileEventKey } from '../../../core/events/claim-event.js';
import { actsOnFilesIn } from '../../../core/imports/import-channels.js';

type FileSharedArgs = SlackEventMiddlewareArgs<'file_shared'> & AllMiddlewareArgs;
type MessageArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

interface FileShareMessage {
  subtype?: string;
  user?: string;
  bot_id?: string;
  channel: string;
  ts: string;
  thread_ts?: string;
  files?: { id: string; name?: string | null; filetype?: string | null }[];
}

const teamOf = (body: unknown, context: { teamId?: string }) => (body as { team_id?: string }).team_id ?? context.teamId ?? '';

/**
 * `file_shared`: a file was shared where Roster is. Only its DM and the import channels
 * (`/users import-channel add`) are acted on; elsewhere Roster stays silent without asking Slack
 * anything. The event names only the file; files.info says its name and the message holding it,
 * whose thread gets the preview (else the channel).
 */
export function fileSharedEvent(deps: ListenerDeps) {
  return async ({ event, body, context }: FileSharedArgs): Promise<void> => {
    if (event.user_id === context.botUserId) return;
    // Decided from the event alone (no files.info): only the DM and the import channels.
    if (!(await actsOnFilesIn(deps.core, teamOf(body, context), event.channel_id))) return;
    if (!(await claimEvent(deps.core, fileEventKey(teamOf(body, context), event.file_id)))) return;
    const actor = { teamId: teamOf(body, context), slackUserId: event.user_id };
    await afterAck(deps, actor.slackUserId, 'verify the CSV file', async () => {
      const file = await deps.slack.fileInfo(event.file_id);
      if (!isCsvFile(file)) return;
      const share = file.shares.find((s) => s.channel === event.channel_id);
      const place = { channel: event.channel_id, threadTs: share ? (share.threadTs ?? share.ts) : undefined };
      // Shared where Roster was asked to look: a file it cannot use is answered.
      await previewUpload(deps, { actor, fileId: file.id, file, place, explicit: true, botUserId: context.botUserId });
    });
  };
}

/** A message with files (`file_share`) in the DM with Roster: each CSV gets a preview in the message's thread. */
export function fileShareMessageEvent(deps: ListenerDeps) {
  return async ({ event, body, context }: MessageArgs): Promise<void> => {
    const message = event as unknown as FileShareMessage;
    if (message.subtype !== 'file_share' || !message.files?.length) return;
    if (message.bot_id || !message.user || message.user === context.botUserId) return;
    const actor = { teamId: teamOf(body, context), slackUserId: message.user };
    for (const file of message.files) {
      const known = Boolean(file.name || file.filetype);
      if (known && !isCsvFile(file)) continue;
      if (!(await claimEvent(deps.core, fileEventKey(actor.teamId, file.id)))) continue;
      const place = { channel: message.channel, threadTs: message.thread_ts ?? message.ts };
      await afterAck(deps, actor.slackUserId, 'verify the CSV file', () =>
        previewUpload(deps, { actor, fileId: file.id, place, explicit: true, botUserId: context.botUserId }),
      );
    }
  };
}
