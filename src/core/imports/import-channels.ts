import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { fail, ok, type Result } from '../result.js';
import { transaction } from '../transaction.js';
import { writeAudit } from '../../store/audit.js';
import { deleteImportChannel, importChannelsOf, insertImportChannel, isImportChannelOfTeam, type ImportChannelRecord } from '../../store/import-channels.js';

/**
 * Import channels: where Roster verifies the CSV files people share. Elsewhere (besides its DM,
 * `/users import` and the message shortcut) it stays silent. Choosing them needs `create_users`.
 */

const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

function checkChannel(channelId: string): string | null {
  if (channelId.startsWith('D')) return 'Files shared in the DM with Roster are always verified; run this in the channel you want to add or remove.';
  if (!CHANNEL_ID.test(channelId)) return 'Run this in a channel (public or private), not in a group DM.';
  return null;
}

export async function addImportChannel(ctx: CoreContext, actor: Actor, channelId: string): Promise<Result<{ added: boolean }>> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  const problem = checkChannel(channelId);
  if (problem) return fail('invalid_input', problem);
  const now = ctx.now();
  const added = await transaction(ctx, async (tx) => {
    const inserted = await insertImportChannel(tx, auth.tenant.id, channelId, auth.actorId, now);
    if (inserted) {
      await writeAudit(
        tx,
        {
          tenantId: auth.tenant.id,
          actor: auth.actorId,
          action: 'import_channel.add',
          targetType: 'channel',
          targetId: channelId,
          summary: 'Made a channel an import channel: CSV files shared there are verified',
        },
        now,
      );
    }
    return inserted;
  });
  if (!added.ok) return added;
  return ok({ added: added.value });
}

export async function removeImportChannel(ctx: CoreContext, actor: Actor, channelId: string): Promise<Result<{ removed: boolean }>> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  const problem = checkChannel(channelId);
  if (problem) return fail('invalid_input', problem);
  const now = ctx.now();
  const removed = await transaction(ctx, async (tx) => {
    const deleted = await deleteImportChannel(tx, auth.tenant.id, channelId);
    if (deleted) {
      await writeAudit(
        tx,
        {
          tenantId: auth.tenant.id,
          actor: auth.actorId,
          action: 'import_channel.remove',
          targetType: 'channel',
          targetId: channelId,
          summary: 'Removed an import channel: CSV files shared there are no longer verified',
        },
        now,
      );
    }
    return deleted;
  });
  if (!removed.ok) return removed;
  return ok({ removed: removed.value });
}

/**
 * Whether `add` or `remove` of this channel is allowed, and whether it would change anything (the
 * channel is not yet, or still, an import channel); writes nothing.
 */
export async function checkImportChannelChange(
  ctx: CoreContext,
  actor: Actor,
  channelId: string,
  change: 'add' | 'remove',
): Promise<Result<{ changes: boolean }>> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  const problem = checkChannel(channelId);
  if (problem) return fail('invalid_input', problem);
  const isOne = (await importChannelsOf(ctx.db, auth.tenant.id)).some((channel) => channel.channelId === channelId);
  return ok({ changes: change === 'add' ? !isOne : isOne });
}

export async function listImportChannels(ctx: CoreContext, actor: Actor): Promise<Result<{ channels: ImportChannelRecord[] }>> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  return ok({ channels: await importChannelsOf(ctx.db, auth.tenant.id) });
}

/**
 * Whether Roster should act on a file shared in `channelId` of a workspace: its DM (D…) always,
 * a channel only when it is an import channel. One indexed lookup; no call to Slack.
 */
export async function actsOnFilesIn(ctx: CoreContext, teamId: string, channelId: string): Promise<boolean> {
  if (channelId.startsWith('D')) return true;
  return isImportChannelOfTeam(ctx.db, teamId, channelId);
}
