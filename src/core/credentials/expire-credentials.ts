import { subDays } from 'date-fns';
import type { CoreContext } from '../context.js';
import { transaction } from '../transaction.js';
import { writeAudit } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { dueCredentials, forgetSettledCredentials, markCredentialExpired, type PendingCredentialRecord } from '../../store/pending-credentials.js';
import { REVEAL_WINDOW_HOURS } from './hold-credential.js';
import { detailsFromStored, type NoticeDetails } from './notice-details.js';

/** Records of shown or expired credentials (no secret left in them) are forgotten after this many days. */
export const SETTLED_RECORDS_KEPT_DAYS = 30;

export interface ExpiredCredential {
  id: string;
  /** The organization it belongs to (its DM is in that organization's workspace). */
  tenantId: string;
  recipient: string;
  sentBy: string;
  details: NoticeDetails;
  expiredAt: Date;
  /** The DM to update, when it was posted. */
  message: { channel: string; ts: string } | null;
}

/** Destroys one credential unseen (inside the caller's transaction) and audits it; false when it was already gone. */
export async function expireCredential(tx: Db, record: PendingCredentialRecord, now: Date): Promise<boolean> {
  if (!(await markCredentialExpired(tx, record.id, now))) return false;
  await writeAudit(
    tx,
    {
      tenantId: record.tenantId,
      // Nobody acted: the audit names the admin who sent it (the App Home shows a member there).
      actor: record.sentBy,
      action: 'user.credential_expired',
      targetType: 'user',
      targetId: record.userPrincipalName,
      summary: `A temporary password of ${record.userPrincipalName} was not shown within ${REVEAL_WINDOW_HOURS} hours; Roster destroyed it unseen`,
    },
    now,
  );
  return true;
}

/**
 * The sweep: destroys every credential past its 24 hours, in one transaction, and returns them so
 * that their DMs can say so. State is in the database, so a restart loses nothing.
 */
export async function expireDueCredentials(ctx: CoreContext): Promise<ExpiredCredential[]> {
  const now = ctx.now();
  const result = await transaction(ctx, async (tx) => {
    const expired: ExpiredCredential[] = [];
    for (const record of await dueCredentials(tx, now)) {
      if (!(await expireCredential(tx, record, now))) continue;
      expired.push({
        id: record.id,
        tenantId: record.tenantId,
        recipient: record.recipient,
        sentBy: record.sentBy,
        details: detailsFromStored(record.notice, record.userPrincipalName),
        expiredAt: now,
        message: record.channel && record.messageTs ? { channel: record.channel, ts: record.messageTs } : null,
      });
    }
    await forgetSettledCredentials(tx, subDays(now, SETTLED_RECORDS_KEPT_DAYS));
    return expired;
  });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}
