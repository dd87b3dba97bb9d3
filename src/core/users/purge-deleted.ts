import type { CoreContext } from '../context.js';
import { transactionOrDryRun } from '../dry-run.js';
import { writeAudit } from '../../store/audit.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { mailboxesPastGrace, usersDeletedBefore } from '../../store/user-lifecycle.js';
import { tenantById } from '../../store/organizations.js';
import { DELETED_KEPT_DAYS, purgeCutoff } from './delete-user-targets.js';

/** How the audit names the scheduled sweep when it acts (no person asked). */
export const SWEEP_ACTOR = 'roster:sweep';

/** Users handled per sweep round; the sweep goes round until none is left. */
const BATCH = 200;

export interface SweepResult {
  /** Usernames removed for good (deleted more than 30 days ago). */
  purged: string[];
  /** Usernames whose mailbox grace ended (mailbox now gone). */
  mailboxesRemoved: string[];
}

/**
 * The periodic sweep (the app runs it at start and every few minutes; `npm run roster -- purge`
 * runs it by hand): removes for good the users deleted more than 30 days ago and ends the mailboxes
 * whose 30-day grace has passed, each with an audit record. It reads the clock and the database
 * only, so a restart loses nothing: what was due while Roster was down is done at the next start.
 */
export async function sweepExpired(ctx: CoreContext, options: { actor?: string; dryRun?: boolean } = {}): Promise<SweepResult> {
  const actor = options.actor ?? SWEEP_ACTOR;
  const dryRun = options.dryRun ?? false;
  const now = ctx.now();
  const cutoff = purgeCutoff(now);
  const purged: string[] = [];
  const mailboxesRemoved: string[] = [];
  const seen = new Set<string>();
  const kinds = new Map<string, string>();
  for (;;) {
    const due = (await usersDeletedBefore(ctx.db, cutoff, BATCH + seen.size)).filter((u) => !seen.has(u.id));
    if (due.length === 0) break;
    for (const user of due) {
      seen.add(user.id);
      if (!kinds.has(user.tenantId)) kinds.set(user.tenantId, (await tenantById(ctx.db, user.tenantId))?.directory ?? 'embedded');
      // A connected tenant removes its deleted users itself after 30 days; its sync brings that in.
      if (kinds.get(user.tenantId) !== 'embedded') continue;
      const done = await transactionOrDryRun(ctx, dryRun, async (tx) => {
        await lockOrganization(tx, user.tenantId);
        if (!(await ctx.directory.purgeUser(tx, user.id, cutoff))) return false;
        await writeAudit(
          tx,
          {
            tenantId: user.tenantId,
            actor,
            action: 'user.purge',
            targetType: 'user',
            targetUserId: user.id,
            changedFields: ['account'],
            summary: `Removed ${user.userPrincipalName} for good (deleted more than ${DELETED_KEPT_DAYS} days ago)`,
          },
          now,
        );
        return true;
      });
      if (done.ok && done.value) purged.push(user.userPrincipalName);
    }
  }
  seen.clear();
  for (;;) {
    const due = (await mailboxesPastGrace(ctx.db, now, BATCH + seen.size)).filter((u) => !seen.has(u.id));
    if (due.length === 0) break;
    for (const user of due) {
      seen.add(user.id);
      const done = await transactionOrDryRun(ctx, dryRun, async (tx) => {
        await lockOrganization(tx, user.tenantId);
        if (!(await ctx.directory.endMailboxGrace(tx, user.id, now))) return false;
        await writeAudit(
          tx,
          {
            tenantId: user.tenantId,
            actor,
            action: 'user.mailbox_removed',
            targetType: 'user',
            targetUserId: user.id,
            changedFields: ['mailbox'],
            summary: `The mailbox of ${user.userPrincipalName} is gone: its 30-day grace without an Exchange license ended`,
          },
          now,
        );
        return true;
      });
      if (done.ok && done.value) mailboxesRemoved.push(user.userPrincipalName);
    }
  }
  return { purged, mailboxesRemoved };
}
