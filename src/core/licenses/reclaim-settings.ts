import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { transactionOrDryRun } from '../dry-run.js';
import { fail, ok, type Result } from '../result.js';
import { writeAudit } from '../../store/audit.js';
import { licenseSettings, setReclaimInactiveDays, setReclaimKeepDays } from '../../store/license-settings.js';

export const MAX_KEEP_DAYS = 365;
export const MAX_INACTIVE_DAYS = 365;

const WHOLE_DAYS = 'A whole number of days, such as 90.';

/**
 * `/licenses reclaim keep-days <days>`, `roster licenses reclaim keep-days`: how long a user kept in
 * the reclaim report is not proposed again (1 to 365 days; 90 unless set). A license setting: Global
 * and Billing admins. Users kept before keep their date.
 */
export async function setKeepDays(
  ctx: CoreContext,
  actor: Actor,
  text: string,
  options: { dryRun?: boolean } = {},
): Promise<Result<{ days: number; before: number; dryRun: boolean }>> {
  const auth = await authorize(ctx, actor, 'manage_license_settings');
  if (!auth.ok) return auth;
  const trimmed = text.trim();
  const days = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || days < 1 || days > MAX_KEEP_DAYS)
    return fail('invalid_input', `A kept user is left out for 1 to ${MAX_KEEP_DAYS} days, not "${text}".`, [{ field: 'keepDays', message: WHOLE_DAYS }]);
  const before = (await licenseSettings(ctx.db, auth.tenant.id)).reclaimKeepDays;
  const dryRun = options.dryRun ?? false;
  const saved = await transactionOrDryRun(ctx, dryRun, async (tx) => {
    await setReclaimKeepDays(tx, auth.tenant.id, days);
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'licenses.alert',
        targetType: 'tenant',
        targetId: auth.tenant.id,
        changedFields: ['reclaimKeepDays'],
        summary: `Users kept in the reclaim report are left out for ${days} days (was ${before})`,
      },
      ctx.now(),
    );
  });
  if (!saved.ok) return saved;
  return ok({ days, before, dryRun });
}

/**
 * `/licenses reclaim inactive-days <days>`, `roster licenses reclaim --inactive-days <days>`: on a
 * connected tenant whose sign-in activity is read, users not signed in for this many days are
 * proposed (1 to 365; 90 unless set). A license setting: Global and Billing admins.
 */
export async function setInactiveDays(
  ctx: CoreContext,
  actor: Actor,
  text: string,
  options: { dryRun?: boolean } = {},
): Promise<Result<{ days: number; before: number; dryRun: boolean }>> {
  const auth = await authorize(ctx, actor, 'manage_license_settings');
  if (!auth.ok) return auth;
  const trimmed = text.trim();
  const days = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || days < 1 || days > MAX_INACTIVE_DAYS)
    return fail('invalid_input', `Users are inactive after 1 to ${MAX_INACTIVE_DAYS} days without a sign-in, not "${text}".`, [
      { field: 'inactiveDays', message: WHOLE_DAYS },
    ]);
  const before = (await licenseSettings(ctx.db, auth.tenant.id)).reclaimInactiveDays;
  const dryRun = options.dryRun ?? false;
  const saved = await transactionOrDryRun(ctx, dryRun, async (tx) => {
    await setReclaimInactiveDays(tx, auth.tenant.id, days);
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'licenses.alert',
        targetType: 'tenant',
        targetId: auth.tenant.id,
        changedFields: ['reclaimInactiveDays'],
        summary: `Users not signed in for ${days} days are proposed in the reclaim report (was ${before})`,
      },
      ctx.now(),
    );
  });
  if (!saved.ok) return saved;
  return ok({ days, before, dryRun });
}
