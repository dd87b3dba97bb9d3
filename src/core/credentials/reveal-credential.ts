import type { CoreContext, MemberActor } from '../context.js';
import { fail, ok, type Result } from '../result.js';
import { transaction, isCoreError } from '../transaction.js';
import { writeAudit } from '../../store/audit.js';
import { activeUserByUpn } from '../../store/directory-users.js';
import { tenantByTeam } from '../../store/organizations.js';
import { markCredentialViewed, pendingCredentialById, type PendingCredentialRecord } from '../../store/pending-credentials.js';
import { expireCredential } from './expire-credentials.js';
import { detailsFromJson, type NoticeDetails } from './notice-details.js';
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

const dmOf = (record: PendingCredentialRecord): DmRef | null => (record.channel && record.messageTs ? { channel: record.channel, ts: record.messageTs } : null);

/**
 * Shows a pending temporary password to the member it was sent to, once: the view is recorded and
 * the sealed password cleared in the same transaction. Anyone else is refused; a second press says
 * when and by whom it was seen; past 24 hours it is destroyed unseen.
 */
export async function revealCredential(ctx: CoreContext, key: Buffer, actor: MemberActor, id: string): Promise<Result<{ outcome: RevealOutcome }>> {
  const tenant = await tenantByTeam(ctx.db, actor.teamId);
  const found = await pendingCredentialById(ctx.db, id);
  if (!found || !tenant || found.tenantId !== tenant.id) return fail('not_found', 'Roster has no password waiting for this message. Ask an admin to reset the password if it is needed.');
  if (found.recipient !== actor.slackUserId) {
    return fail('forbidden', 'This temporary password was sent to another member, and only they can show it.');
  }
  const now = ctx.now();
  const result = await transaction(ctx, async (tx): Promise<RevealOutcome> => {
    const record = await pendingCredentialById(tx, id);
    if (!record) throw new Error('pending credential vanished inside its transaction');
    const details = detailsFromJson(record.notice, record.userPrincipalName);
    if (record.viewedAt && record.viewedBy) return { kind: 'already_viewed', details, viewedAt: record.viewedAt, viewedBy: record.viewedBy };
    const password = record.sealed && record.expiresAt > now ? open(key, record.sealed, credentialAad(record.id, record.recipient)) : null;
    if (password === null || !(await markCredentialViewed(tx, id, actor.slackUserId, now))) {
      // Expired, already destroyed by the sweep, or sealed with another key: destroyed unseen.
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
  if (isCoreError(result)) return result;
  return ok({ outcome: result });
}
