import { saveTenantSetting } from '../tenant/save-tenant-setting.js';
import { subDays } from 'date-fns';
import type { Actor, CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { fail, ok, type Result } from '../result.js';
import { auditRetentionDays, deleteAuditBefore, setAuditRetentionDays, tenantsWithAuditRetention } from '../../store/audit-log.js';

/** The shortest retention Roster accepts: a typo should not wipe the trail of last month. */
export const MIN_AUDIT_RETENTION_DAYS = 30;
export const MAX_AUDIT_RETENTION_DAYS = 36_500;
/** Records deleted per transaction by the sweep (a short hold of the database each). */
const PRUNE_BATCH = 5_000;

/**
 * Sets how long the organization keeps its audit records (Global admins: `manage_settings`):
 * `forever` (the default) or a number of days, at least 30. Older records are removed by the
 * `sweep.audit` job (hourly), not here. The change is audited itself.
 */
export async function setAuditRetention(ctx: CoreContext, actor: Actor, text: string): Promise<Result<{ days: number | null }>> {
  const checked = await retentionChecks(ctx, actor, text);
  if (!checked.ok) return checked;
  const { auth, days } = checked;
  await saveTenantSetting(ctx, actor, auth, {
    write: (tx) => setAuditRetentionDays(tx, auth.tenant.id, days),
    action: 'tenant.audit_retention',
    field: 'auditRetentionDays',
    summary: days === null ? 'Audit records kept forever' : `Audit records kept ${days} days`,
    // Not on the App Home: no Home to refresh.
    shown: false,
  });
  return ok({ days });
}

/** Whether this actor may set the retention to `text`, and the days it means (null: forever); writes nothing. */
export async function checkAuditRetention(ctx: CoreContext, actor: Actor, text: string): Promise<Result<{ days: number | null; current: number | null }>> {
  const checked = await retentionChecks(ctx, actor, text);
  if (!checked.ok) return checked;
  return ok({ days: checked.days, current: await auditRetentionDays(ctx.db, checked.auth.tenant.id) });
}

async function retentionChecks(ctx: CoreContext, actor: Actor, text: string): Promise<Result<{ auth: Authorized; days: number | null }>> {
  const auth = await authorize(ctx, actor, 'manage_settings');
  if (!auth.ok) return auth;
  const wanted = text.trim().toLowerCase();
  const days = wanted === 'forever' ? null : /^\d{1,6}$/.test(wanted) ? Number(wanted) : Number.NaN;
  if (days !== null && !(days >= MIN_AUDIT_RETENTION_DAYS && days <= MAX_AUDIT_RETENTION_DAYS))
    return fail(
      'invalid_input',
      `Say how many days to keep the audit records (${MIN_AUDIT_RETENTION_DAYS} to ${MAX_AUDIT_RETENTION_DAYS.toLocaleString('en')}), or forever: \`/users audit retention 365\`.`,
      [{ field: 'days', message: `${MIN_AUDIT_RETENTION_DAYS} to ${MAX_AUDIT_RETENTION_DAYS} days, or forever` }],
    );
  return ok({ auth, days });
}

/** The `sweep.audit` job: removes every organization's audit records older than its retention, in batches. */
export async function pruneAudit(ctx: CoreContext): Promise<number> {
  let removed = 0;
  for (const { tenantId, days } of await tenantsWithAuditRetention(ctx.db)) {
    const before = subDays(ctx.now(), days);
    for (;;) {
      const gone = await deleteAuditBefore(ctx.db, tenantId, before, PRUNE_BATCH);
      removed += gone;
      if (gone < PRUNE_BATCH) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return removed;
}
