import type { OperatorActor, CoreContext } from '../core/context.js';
import { addImportChannel, listImportChannels, removeImportChannel } from '../core/imports/import-channels.js';
import type { Print } from './import-command.js';

export const IMPORT_CHANNEL_USAGE = `  import-channel add|remove <channel id> --workspace <Slack team id>   choose where shared CSV files are verified
  import-channel list --workspace <Slack team id>                      list the import channels`;

/** `roster import-channel add|remove <channel id>` and `roster import-channel list`, as `/users import-channel` in Slack. */
export async function importChannelCliCommand(
  ctx: CoreContext,
  actor: OperatorActor,
  sub: string | undefined,
  channelId: string | undefined,
  print: Print,
): Promise<number> {
  if (sub === 'list') {
    const listed = await listImportChannels(ctx, actor);
    if (!listed.ok) return refused(print, listed.message);
    if (listed.channels.length === 0) print('No import channels: files are verified only in the DM with Roster, through /users import and the shortcut.');
    for (const c of listed.channels) print(`${c.channelId}  added by ${c.addedBy} on ${c.createdAt}`);
    return 0;
  }
  if ((sub !== 'add' && sub !== 'remove') || !channelId) return refused(print, `say add <channel id>, remove <channel id> or list\n${IMPORT_CHANNEL_USAGE}`);
  if (sub === 'add') {
    const added = await addImportChannel(ctx, actor, channelId);
    if (!added.ok) return refused(print, added.message);
    print(added.added ? `${channelId} is now an import channel.` : `${channelId} already was an import channel.`);
    return 0;
  }
  const removed = await removeImportChannel(ctx, actor, channelId);
  if (!removed.ok) return refused(print, removed.message);
  print(removed.removed ? `${channelId} is no longer an import channel.` : `${channelId} was not an import channel.`);
  return 0;
}

function refused(print: Print, message: string): number {
  print(`error: ${message}`);
  return 1;
}
