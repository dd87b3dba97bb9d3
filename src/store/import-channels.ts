import type { Db } from './database.js';
import { toDbDate } from './values.js';

/** All SQL about import channels: where an admin asked Roster to verify the CSV files shared. */

export interface ImportChannelRecord {
  channelId: string;
  addedBy: string;
  createdAt: string;
}

/** Adds a channel; false when it already was one (nothing changes then). */
export async function insertImportChannel(db: Db, tenantId: string, channelId: string, addedBy: string, at: Date): Promise<boolean> {
  const inserted = await db
    .insertInto('ImportChannel')
    .values({ tenantId, channelId, addedBy, createdAt: toDbDate(at) })
    .onConflict((conflict) => conflict.columns(['tenantId', 'channelId']).doNothing())
    .returning('channelId')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Removes a channel; false when it was not one. */
export async function deleteImportChannel(db: Db, tenantId: string, channelId: string): Promise<boolean> {
  const result = await db.deleteFrom('ImportChannel').where('tenantId', '=', tenantId).where('channelId', '=', channelId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function importChannelsOf(db: Db, tenantId: string): Promise<ImportChannelRecord[]> {
  return db
    .selectFrom('ImportChannel')
    .select(['channelId', 'addedBy', 'createdAt'])
    .where('tenantId', '=', tenantId)
    .orderBy('createdAt', 'asc')
    .orderBy('channelId', 'asc')
    .execute();
}

/** Whether the workspace's organization has this channel as an import channel (one indexed lookup). */
export async function isImportChannelOfTeam(db: Db, slackTeamId: string, channelId: string): Promise<boolean> {
  const row = await db
    .selectFrom('ImportChannel')
    .innerJoin('Tenant', 'Tenant.id', 'ImportChannel.tenantId')
    .select('ImportChannel.channelId')
    .where('Tenant.slackTeamId', '=', slackTeamId)
    .where('ImportChannel.channelId', '=', channelId)
    .executeTakeFirst();
  return row !== undefined;
}
