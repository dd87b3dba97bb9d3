import type { SlashCommand } from '@slack/bolt';
import { addImportChannel, listImportChannels, removeImportChannel } from '../../../core/imports/import-channels.js';
import type { ListenerDeps } from '../../deps.js';
import { importChannelAdded, importChannelList, importChannelRemoved, IMPORT_CHANNEL_HELP } from '../../views/import-channels.js';
import { esc, textMessage } from '../../views/kit.js';

type Reply = { text: string };

/** `/users import-channel add | remove | list`, run in the channel concerned. Quick queries only: answered in the ack. */
export async function importChannelCommand(deps: ListenerDeps, command: SlashCommand, sub: string): Promise<Reply> {
  const actor = { teamId: command.team_id, slackUserId: command.user_id };
  switch (sub.toLowerCase()) {
    case 'add': {
      const result = await addImportChannel(deps.core, actor, command.channel_id);
      if (!result.ok) return textMessage(result.message);
      if (result.added) deps.logger.info('import channel added', { team: actor.teamId, by: actor.slackUserId, channel: command.channel_id });
      return { text: importChannelAdded(command.channel_id, result.added) };
    }
    case 'remove': {
      const result = await removeImportChannel(deps.core, actor, command.channel_id);
      if (!result.ok) return textMessage(result.message);
      if (result.removed) deps.logger.info('import channel removed', { team: actor.teamId, by: actor.slackUserId, channel: command.channel_id });
      return { text: importChannelRemoved(command.channel_id, result.removed) };
    }
    case 'list': {
      const result = await listImportChannels(deps.core, actor);
      return result.ok ? { text: importChannelList(result.channels) } : textMessage(result.message);
    }
    default:
      return { text: `${sub ? `Roster doesn't know \`/users import-channel ${esc(sub)}\`.\n` : ''}${IMPORT_CHANNEL_HELP}` };
  }
}
