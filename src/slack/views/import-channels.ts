import type { ImportChannelRecord } from '../../store/import-channels.js';
import { slackDateTime } from './dates.js';

/** The answers of `/users import-channel`. Channel ids come from Slack, so they are not escaped. */

export const IMPORT_CHANNEL_HELP =
  '`/users import-channel add` (run in a channel): Roster verifies the CSV files shared there.\n`/users import-channel remove` (in that channel): it ignores them again.\n`/users import-channel list`: the import channels.\nFiles shared in the DM with Roster, through `/users import` or with the *Import users from CSV* shortcut are always verified.';

export const importChannelAdded = (channelId: string, added: boolean) =>
  added
    ? `<#${channelId}> is now an import channel: Roster verifies the CSV files shared here and answers in their thread. If Roster is not in this channel yet, add it with \`/invite @Roster\`.`
    : `<#${channelId}> is already an import channel.`;

export const importChannelRemoved = (channelId: string, removed: boolean) =>
  removed ? `<#${channelId}> is no longer an import channel: Roster ignores the files shared here.` : `<#${channelId}> was not an import channel.`;

export function importChannelList(channels: readonly ImportChannelRecord[]): string {
  if (channels.length === 0)
    return 'There are no import channels. Run `/users import-channel add` in a channel to make it one; the DM with Roster always works.';
  const lines = channels.map((c) => `• <#${c.channelId}>, added by <@${c.addedBy}> ${slackDateTime(new Date(c.createdAt))}`);
  return `Roster verifies the CSV files shared in:\n${lines.join('\n')}\nand in its DM.`;
}
