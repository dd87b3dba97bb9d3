import type { Db } from './database.js';
import { dialectOf } from './dialect.js';
import { fromDbDate, fromDbJson, toDbDate, toDbJson } from './values.js';

/**
 * All SQL about pending credentials: temporary passwords sealed for one Slack member until they
 * reveal them once or they expire. The sealed bytes are cleared (never kept once used).
 */

export interface SealedSecret {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

export interface NewPendingCredential {
  id: string;
  tenantId: string;
  recipient: string;
  userPrincipalName: string;
  sentBy: string;
  /** The notice without its password (a JSON column; its dates are written as ISO-8601). */
  notice: object;
  sealed: SealedSecret;
  createdAt: Date;
  expiresAt: Date;
}

export interface PendingCredentialRecord {
  id: string;
  tenantId: string;
  recipient: string;
  userPrincipalName: string;
  sentBy: string;
  /** The notice as stored (decoded JSON, null when the text was not JSON); the core checks it with its schema. */
  notice: unknown;
  /** null once it was viewed or expired. */
  sealed: SealedSecret | null;
  createdAt: Date;
  expiresAt: Date;
  viewedAt: Date | null;
  viewedBy: string | null;
  expiredAt: Date | null;
  channel: string | null;
  messageTs: string | null;
}

const COLUMNS = [
  'id',
  'tenantId',
  'recipient',
  'userPrincipalName',
  'sentBy',
  'notice',
  'ciphertext',
  'iv',
  'tag',
  'createdAt',
  'expiresAt',
  'viewedAt',
  'viewedBy',
  'expiredAt',
  'channel',
  'messageTs',
] as const;

type Row = {
  id: string;
  tenantId: string;
  recipient: string;
  userPrincipalName: string;
  sentBy: string;
  notice: string;
  ciphertext: Buffer | null;
  iv: Buffer | null;
  tag: Buffer | null;
  createdAt: string;
  expiresAt: string;
  viewedAt: string | null;
  viewedBy: string | null;
  expiredAt: string | null;
  channel: string | null;
  messageTs: string | null;
};

function toRecord(row: Row): PendingCredentialRecord {
  const { ciphertext, iv, tag } = row;
  return {
    id: row.id,
    tenantId: row.tenantId,
    recipient: row.recipient,
    userPrincipalName: row.userPrincipalName,
    sentBy: row.sentBy,
    notice: fromDbJson(row.notice),
    sealed: ciphertext && iv && tag ? { ciphertext, iv, tag } : null,
    createdAt: fromDbDate(row.createdAt),
    expiresAt: fromDbDate(row.expiresAt),
    viewedAt: fromDbDate(row.viewedAt),
    viewedBy: row.viewedBy,
    expiredAt: fromDbDate(row.expiredAt),
    channel: row.channel,
    messageTs: row.messageTs,
  };
}

export async function insertPendingCredential(db: Db, credential: NewPendingCredential): Promise<void> {
  const { sealed, createdAt, expiresAt, notice, ...rest } = credential;
  await db
    .insertInto('PendingCredential')
    .values({ ...rest, notice: toDbJson(notice), ...sealed, createdAt: toDbDate(createdAt), expiresAt: toDbDate(expiresAt) })
    .execute();
}

/** Where the DM with the Show password button is, once it is posted. */
export async function recordCredentialMessage(db: Db, id: string, channel: string, messageTs: string): Promise<void> {
  await db.updateTable('PendingCredential').set({ channel, messageTs }).where('id', '=', id).execute();
}

export async function pendingCredentialById(db: Db, id: string): Promise<PendingCredentialRecord | null> {
  const row = await db.selectFrom('PendingCredential').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/**
 * The credential, held as read until the caller's transaction ends (FOR UPDATE on PostgreSQL): a
 * second press at the same moment waits, then reads it as the first left it (shown).
 */
export async function pendingCredentialHeld(tx: Db, id: string): Promise<PendingCredentialRecord | null> {
  if (!tx.isTransaction) throw new Error('pendingCredentialHeld runs inside a transaction');
  const row = await dialectOf(tx)
    .forUpdate(tx.selectFrom('PendingCredential').select(COLUMNS).where('id', '=', id))
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/**
 * Records the view and clears the sealed password in one statement, only if it was still there:
 * false when someone else's press (or the sweep) got there first.
 */
export async function markCredentialViewed(db: Db, id: string, viewedBy: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('PendingCredential')
    .set({ ciphertext: null, iv: null, tag: null, viewedAt: toDbDate(at), viewedBy })
    .where('id', '=', id)
    .where('ciphertext', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Credentials past their expiry whose sealed password is still stored. */
export async function dueCredentials(db: Db, at: Date): Promise<PendingCredentialRecord[]> {
  const rows = await db
    .selectFrom('PendingCredential')
    .select(COLUMNS)
    .where('expiresAt', '<=', toDbDate(at))
    .where('ciphertext', 'is not', null)
    .orderBy('expiresAt', 'asc')
    .execute();
  return rows.map(toRecord);
}

/** Clears the sealed password unseen and records when; false when it was already gone. */
export async function markCredentialExpired(db: Db, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('PendingCredential')
    .set({ ciphertext: null, iv: null, tag: null, expiredAt: toDbDate(at) })
    .where('id', '=', id)
    .where('ciphertext', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Forgets the records (which hold no secret any more) of credentials settled before `before`. */
export async function forgetSettledCredentials(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('PendingCredential').where('ciphertext', 'is', null).where('createdAt', '<', toDbDate(before)).execute();
}

/**
 * The organizations with an active user of this username. Naming every organization lets SQLite seek
 * (tenantId, upnKey) once per organization instead of scanning every user (4.6 ms at 100,000 users,
 * for each credential held). Exported so a test can check SQLite's plan.
 */
export function tenantsWithActiveUpnQuery(db: Db, userPrincipalName: string) {
  return db
    .selectFrom('DirectoryUser')
    .select('tenantId')
    .where('tenantId', 'in', db.selectFrom('Tenant').select('id'))
    .where('upnKey', '=', userPrincipalName.toLowerCase())
    .where('deletedAt', 'is', null);
}

/** The organization of the active user with this username (a new or reset user); with several, the one where `sentBy` is a member. */
export async function tenantOfUser(db: Db, userPrincipalName: string, sentBy: string): Promise<string | null> {
  const rows = await tenantsWithActiveUpnQuery(db, userPrincipalName).execute();
  if (rows.length <= 1) return rows[0]?.tenantId ?? null;
  const sender = await db
    .selectFrom('DirectoryUser')
    .select('tenantId')
    .where('slackUserId', '=', sentBy)
    .where('deletedAt', 'is', null)
    .where(
      'tenantId',
      'in',
      rows.map((row) => row.tenantId),
    )
    .executeTakeFirst();
  return sender?.tenantId ?? rows[0]?.tenantId ?? null;
}
