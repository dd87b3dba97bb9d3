import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { transactionOrDryRun } from '../dry-run.js';
import { fail, ok, type Result } from '../result.js';
import type { Db } from '../../store/database.js';
import { writeAudit } from '../../store/audit.js';
import { licenseSettings, setReclaimInactiveDays, setReclaimKeepDays } from '../../store/license-settings.js';

export const MAX_KEEP_DAYS = 365;
export const MAX_INACTIVE_DAYS = 365;

const WHOLE_DAYS = 'A whole number of days, such as 90.';

type DaysResult = Result<{ days: number; before: number; dryRun: boolean }>;

/** One of the reclaim report's numbers of days: what it is called, its limit, its sentences and where it is kept. */
interface DaysSetting {
  field: 'keepDays' | 'inactiveDays';
  column: 'reclaimKeepDays' | 'reclaimInactiveDays';
  max: number;
  refusal: (text: string) => string;
  summary: (days: number, before: number) => string;
  save: (tx: Db, tenantId: string, days: number) => Promise<void>;
}

const KEEP_DAYS: DaysSetting = {
  field: 'keepDays',
  column: 'reclaimKeepDays',
  max: MAX_KEEP_DAYS,
  refusal: (text) => `A kept user is left out for 1 to ${MAX_KEEP_DAYS} days, not "${text}".`,
  summary: (days, before) => `Users kept in the reclaim report are left out for ${days} days (was ${before})`,
  save: setReclaimKeepDays,
};

const INACTIVE_DAYS: DaysSetting = {
  field: 'inactiveDays',
  column: 'reclaimInactiveDays',
  max: MAX_INACTIVE_DAYS,
  refusal: (text) => `Users are inactive after 1 to ${MAX_INACTIVE_DAYS} days without a sign-in, not "${text}".`,
  summary: (days, before) => `Users not signed in for ${days} days are proposed in the reclaim report (was ${before})`,
  save: setReclaimInactiveDays,
};

/**
 * `/licenses reclaim keep-days <days>`, `roster licenses reclaim keep-days`: how long a user kept in
 * the reclaim report is not proposed again (1 to 365 days; 90 unless set). A license setting: Global
 * and Billing admins. Users kept before keep their date.
 */
export function setKeepDays(ctx: CoreContext, actor: Actor, text: string, options: { dryRun?: boolean } = {}): Promise<DaysResult> {
  return setDays(ctx, actor, text, KEEP_DAYS, options);
}

/**
 * `/licenses reclaim inactive-days <days>`, `roster licenses reclaim inactive-days <days>`: on a
 * connected tenant whose sign-in activity is read, users not signed in for this many days are
 * proposed (1 to 365; 90 unless set). A license setting: Global and Billing admins.
 */
export function setInactiveDays(ctx: CoreContext, actor: Actor, text: string, options: { dryRun?: boolean } = {}): Promise<DaysResult> {
  return setDays(ctx, actor, text, INACTIVE_DAYS, options);
}

async function setDays(ctx: CoreContext, actor: Actor, text: string, setting: DaysSetting, options: { dryRun?: boolean }): Promise<DaysResult> {
  const auth = await authorize(ctx, actor, 'manage_license_settings');
  if (!auth.ok) return auth;
  const trimmed = text.trim();
  const days = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || days < 1 || days > setting.max)
    return fail('invalid_input', setting.refusal(text), [{ field: setting.field, message: WHOLE_DAYS }]);
  const before = (await licenseSettings(ctx.db, auth.tenant.id))[setting.column];
  const dryRun = options.dryRun ?? false;
  const saved = await transactionOrDryRun(ctx, dryRun, async (tx) => {
    await setting.save(tx, auth.tenant.id, days);
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'licenses.alert',
        targetType: 'tenant',
        targetId: auth.tenant.id,
        changedFields: [setting.column],
        summary: setting.summary(days, before),
      },
      ctx.now(),
    );
  });
  if (!saved.ok) return saved;
  return ok({ days, before, dryRun });
}
