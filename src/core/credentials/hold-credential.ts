import { randomUUID } from 'node:crypto';
import { addHours } from 'date-fns';
import type { CoreContext } from '../context.js';
import { fail, ok, type Result } from '../result.js';
import type { CredentialNotice } from '../users/add-user.js';
import type { Db } from '../../store/database.js';
import { insertPendingCredential, pendingCredentialById, recordCredentialMessage, tenantOfUser } from '../../store/pending-credentials.js';
import { detailsFromStored, detailsOf, type NoticeDetails } from './notice-details.js';
import { credentialAad, seal } from './seal.js';

/** How long a temporary password waits to be revealed before it is destroyed unseen. */
export const REVEAL_WINDOW_HOURS = 24;

/**
 * Seals a new user's temporary password for one Slack member, to be revealed once (Show password)
 * within 24 hours. Returns the id the DM's button carries. Only the sealed bytes are stored. With
 * `db` (a transaction), it is held in the transaction that set the password: both stand or fall together.
 */
export async function holdCredential(
  ctx: CoreContext,
  key: Buffer,
  request: { notice: CredentialNotice; recipient: string; sentBy: string },
  db: Db = ctx.db,
): Promise<Result<{ id: string; expiresAt: Date }>> {
  const { notice, recipient, sentBy } = request;
  const tenantId = await tenantOfUser(db, notice.userPrincipalName, sentBy);
  if (!tenantId) return fail('not_found', `${notice.userPrincipalName} is not in the directory, so its password cannot be held for ${recipient}.`);
  const id = randomUUID();
  const now = ctx.now();
  const expiresAt = addHours(now, REVEAL_WINDOW_HOURS);
  await insertPendingCredential(db, {
    id,
    tenantId,
    recipient,
    userPrincipalName: notice.userPrincipalName,
    sentBy,
    notice: detailsOf(notice),
    sealed: seal(key, notice.temporaryPassword, credentialAad(id, recipient)),
    createdAt: now,
    expiresAt,
  });
  return ok({ id, expiresAt });
}

/** Remembers the DM that holds the button, so that the sweep can update it when the password expires. */
export async function noteCredentialMessage(ctx: CoreContext, id: string, message: { channel: string; ts: string }): Promise<void> {
  await recordCredentialMessage(ctx.db, id, message.channel, message.ts);
}

/** A held credential whose notice is still to be posted: to whom, by whom, what it shows (never the password). */
export interface HeldNotice {
  id: string;
  recipient: string;
  sentBy: string;
  details: NoticeDetails;
  expiresAt: Date;
}

/**
 * The notice of a credential held earlier (a bulk reset holds them in its steps, and posts them
 * after), or null when there is nothing to post: its DM was posted already, or its password was
 * shown or destroyed meanwhile.
 */
export async function heldNoticeToPost(ctx: CoreContext, id: string): Promise<HeldNotice | null> {
  const held = await pendingCredentialById(ctx.db, id);
  if (!held || held.channel !== null || held.sealed === null) return null;
  return {
    id: held.id,
    recipient: held.recipient,
    sentBy: held.sentBy,
    details: detailsFromStored(held.notice, held.userPrincipalName),
    expiresAt: held.expiresAt,
  };
}
