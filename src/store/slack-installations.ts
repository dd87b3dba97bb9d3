import type { Db } from './database.js';
import type { SealedSecret } from './pending-credentials.js';
import { fromDbDate, toDbDate } from './values.js';

/**
 * All SQL about the Slack workspaces Roster was installed in through Slack's OAuth flow. The bot
 * token is stored sealed (the core seals and opens it); nothing here sees it in clear.
 */

export interface SlackInstallationRecord {
  teamId: string;
  teamName: string;
  appId: string;
  botUserId: string;
  botId: string;
  botScopes: string[];
  sealedBotToken: SealedSecret;
  installedBy: string;
  installedAt: Date;
  updatedAt: Date;
}

export type NewSlackInstallation = Omit<SlackInstallationRecord, 'installedAt' | 'updatedAt'>;

type Row = {
  teamId: string;
  teamName: string;
  appId: string;
  botUserId: string;
  botId: string;
  botScopes: string;
  botTokenCiphertext: Buffer;
  botTokenIv: Buffer;
  botTokenTag: Buffer;
  installedBy: string;
  installedAt: string;
  updatedAt: string;
};

function fromRow(row: Row): SlackInstallationRecord {
  return {
    teamId: row.teamId,
    teamName: row.teamName,
    appId: row.appId,
    botUserId: row.botUserId,
    botId: row.botId,
    botScopes: row.botScopes.split(',').filter(Boolean),
    sealedBotToken: { ciphertext: row.botTokenCiphertext, iv: row.botTokenIv, tag: row.botTokenTag },
    installedBy: row.installedBy,
    installedAt: fromDbDate(row.installedAt),
    updatedAt: fromDbDate(row.updatedAt),
  };
}

/** Stores an installation; a reinstall replaces the token, ids and scopes and keeps when it was first installed. */
export async function upsertSlackInstallation(db: Db, installation: NewSlackInstallation, at: Date): Promise<void> {
  const { sealedBotToken, botScopes, ...rest } = installation;
  const values = {
    ...rest,
    botScopes: botScopes.join(','),
    botTokenCiphertext: sealedBotToken.ciphertext,
    botTokenIv: sealedBotToken.iv,
    botTokenTag: sealedBotToken.tag,
    updatedAt: toDbDate(at),
  };
  await db
    .insertInto('SlackInstallation')
    .values({ ...values, installedAt: toDbDate(at) })
    .onConflict((conflict) => conflict.column('teamId').doUpdateSet(values))
    .execute();
}

export async function slackInstallationOfTeam(db: Db, teamId: string): Promise<SlackInstallationRecord | null> {
  const row = await db.selectFrom('SlackInstallation').selectAll().where('teamId', '=', teamId).executeTakeFirst();
  return row ? fromRow(row) : null;
}

/** Every installation, by team id. */
export async function allSlackInstallations(db: Db): Promise<SlackInstallationRecord[]> {
  const rows = await db.selectFrom('SlackInstallation').selectAll().orderBy('teamId').execute();
  return rows.map(fromRow);
}

/** Deletes a workspace's installation (its sealed token with it); false when there was none. */
export async function deleteSlackInstallation(db: Db, teamId: string): Promise<boolean> {
  const result = await db.deleteFrom('SlackInstallation').where('teamId', '=', teamId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
