import type { SlashCommand } from '@slack/bolt';
import { addImportChannel, checkImportChannelChange, listImportChannels, removeImportChannel } from '../../../core/imports/import-channels.js';
import type { ListenerDeps } from '../../deps.js';
import { change, type Plan } from '../../services/answer.js';
import { ephemeral, type CommandReply, type FollowUp } from '../../services/answering.js';
import { importChannelAdded, importChannelList, importChannelRemoved, IMPORT_CHANNEL_HELP } from '../../views/import-channels.js';
import { esc, textMessage } from '../../views/kit.js';

/**
 * `/users import-channel add | remove | list`, run in the channel concerned. Quick queries, so the
 * ack answers; an add or remove is checked before the ack and made after it.
 */
export async function importChannelCommand(deps: ListenerDeps, command: SlashCommand, sub: string, tell: FollowUp): Promise<Plan<CommandReply>> {
  const actor = { teamId: command.team_id, slackUserId: command.user_id };
  const channel = command.channel_id;
  const wanted = sub.toLowerCase();
  switch (wanted) {
    case 'add':
    case 'remove': {
      const checked = await checkImportChannelChange(deps.core, actor, channel, wanted);
      if (!checked.ok) return { reply: ephemeral(textMessage(checked.message)) };
      const reply = ephemeral({ text: wanted === 'add' ? importChannelAdded(channel, checked.changes) : importChannelRemoved(channel, checked.changes) });
      if (!checked.changes) return { reply };
      return {
        reply,
        after: change(`${wanted} the import channel`, async () => {
          const result = wanted === 'add' ? await addImportChannel(deps.core, actor, channel) : await removeImportChannel(deps.core, actor, channel);
          if (!result.ok) return tell(textMessage(result.message));
          // Someone else may have made the same change meanwhile: only a real change is logged.
          if ('added' in result ? result.added : result.removed)
            deps.logger.info(wanted === 'add' ? 'import channel added' : 'import channel removed', { team: actor.teamId, by: actor.slackUserId, channel });
        }),
      };
    }
    case 'list': {
      const result = await listImportChannels(deps.core, actor);
      return { reply: ephemeral(result.ok ? { text: importChannelList(result.channels) } : textMessage(result.message)) };
    }
    default:
      return { reply: ephemeral({ text: `${sub ? `Roster doesn't know \`/users import-channel ${esc(sub)}\`.\n` : ''}${IMPORT_CHANNEL_HELP}` }) };
  }
}
