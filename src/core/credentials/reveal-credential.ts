import type { CoreContext, MemberActor } from '../context.js';
import { CoreFailure, fail, ok, type Result } from '../result.js';
import { transaction } from '../transaction.js';
import { writeAudit } from '../../store/audit.js';
import { activeUserByUpn } from '../../store/directory-users.js';
import { tenantByTeam } from '../../store/organizations.js';
import { markCredentialViewed, pendingCredentialById, pendingCredentialHeld, type PendingCredentialRecord } from '../../store/pending-credentials.js';
import { expireCredential } from './expire-credentials.js';
import { detailsFromStored, type NoticeDetails } from './notice-details.js';
import { credentialAad, open } from './seal.js';

/** What a press of Show password comes to. */
export type RevealOutcome =
  /** The password, shown now and destroyed: it cannot be shown again. */
  | { kind: 'revealed'; password: string; details: NoticeDetails; sentBy: string; viewedAt: Date; message: DmRef | null }
  /** It was shown before. */
  | { kind: 'already_viewed'; details: NoticeDetails; viewedAt: Date; viewedBy: string }
  /** It expired (or could not be opened) and was destroyed unseen. */
  | { kind: 'expired'; details: NoticeDetails; sentBy: string; expiredAt: Date; message: DmRef | null };

export interface DmRef {
  channel: string;
  ts: string;
}

export const UNREADABLE =
  'Roster cannot open this password with its current key (was ROSTER_SECRET_KEY or the key file beside the database changed?). Ask an admin to put the key back, or to reset the password.';

const dmOf = (record: PendingCredentialRecord): DmRef | null => (record.channel && record.messageTs ? { channel: record.channel, ts: record.messageTs } : null);

/**
 * Shows a pending temporary password to the member it was sent to, once: the view is recorded and
 * the sealed password cleared in the same transaction. Anyone else is refused; a second press says
 * when and by whom it was seen; past 24 hours it is destroyed unseen.
 */
export async function revealCredential(ctx: CoreContext, key: Buffer, actor: MemberActor, id: string): Promise<Result<{ outcome: RevealOutcome }>> {
  const tenant = await tenantByTeam(ctx.db, actor.teamId);
  const found = await pendingCredentialById(ctx.db, id);
  if (!found || !tenant || found.tenantId !== tenant.id)
    return fail('not_found', 'Roster has no password waiting for this message. Ask an admin to reset the password if it is needed.');
  if (found.recipient !== actor.slackUserId) {
    return fail('forbidden', 'This temporary password was sent to another member, and only they can show it.');
  }
  const now = ctx.now();
  const result = await transaction(ctx, async (tx): Promise<RevealOutcome> => {
    // Held until this transaction ends: a second press waits, then finds it shown.
    const record = await pendingCredentialHeld(tx, id);
    if (!record) throw new Error('pending credential vanished inside its transaction');
    const details = detailsFromStored(record.notice, record.userPrincipalName);
    if (record.viewedAt && record.viewedBy) return { kind: 'already_viewed', details, viewedAt: record.viewedAt, viewedBy: record.viewedBy };
    const live = record.sealed && record.expiresAt > now ? record.sealed : null;
    const password = live ? open(key, live, credentialAad(record.id, record.recipient)) : null;
    // Sealed under another key (ROSTER_SECRET_KEY changed) or altered: refused, left for the sweep.
    if (live && password === null) throw new CoreFailure(fail('conflict', UNREADABLE));
    if (password === null || !(await markCredentialViewed(tx, id, actor.slackUserId, now))) {
      // Expired, or already destroyed by the sweep: destroyed unseen.
      await expireCredential(tx, record, now);
      return { kind: 'expired', details, sentBy: record.sentBy, expiredAt: record.expiredAt ?? now, message: dmOf(record) };
    }
    const user = await activeUserByUpn(tx, record.tenantId, record.userPrincipalName);
    await writeAudit(
      tx,
      {
        tenantId: record.tenantId,
        actor: actor.slackUserId,
        action: 'user.credential_viewed',
        targetType: 'user',
        ...(user ? { targetUserId: user.id } : {}),
        summary: `Showed the temporary password of ${record.userPrincipalName} to the member it was sent to; Roster no longer holds it`,
      },
      now,
    );
    return { kind: 'revealed', password, details, sentBy: record.sentBy, viewedAt: now, message: dmOf(record) };
  });
  if (!result.ok) return result;
  return ok({ outcome: result.value });
}
