import { saveTenantSetting } from './save-tenant-setting.js';
import type { Actor, CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { fail, ok, type Result } from '../result.js';
import { setPasswordExpiryDays } from '../../store/tenant-settings.js';

/** The longest password lifetime Roster accepts (two years), as at setup. */
export const MAX_PASSWORD_EXPIRY_DAYS = 730;

/**
 * Sets after how many days passwords expire (docs/domain.md "Passwords"; Global admins:
 * `manage_settings`), 0 or `never` for never. Every user's expiry follows at once: it is computed
 * from the day their password was set.
 */
export async function setPasswordExpiry(ctx: CoreContext, actor: Actor, text: string): Promise<Result<{ days: number }>> {
  const checked = await expiryChecks(ctx, actor, text);
  if (!checked.ok) return checked;
  const { auth, days } = checked;
  await saveTenantSetting(ctx, actor, auth, {
    write: (tx) => setPasswordExpiryDays(tx, auth.tenant.id, days),
    action: 'tenant.password_expiry',
    field: 'passwordExpiryDays',
    summary: days === 0 ? 'Passwords set never to expire' : `Passwords expire after ${days} days`,
    shown: true,
  });
  return ok({ days });
}

/** Whether this actor may set the expiry to `text`, and the days it means (0: never); writes nothing. */
export async function checkPasswordExpiry(ctx: CoreContext, actor: Actor, text: string): Promise<Result<{ days: number; current: number }>> {
  const checked = await expiryChecks(ctx, actor, text);
  return checked.ok ? ok({ days: checked.days, current: checked.auth.tenant.passwordExpiryDays }) : checked;
}

async function expiryChecks(ctx: CoreContext, actor: Actor, text: string): Promise<Result<{ auth: Authorized; days: number }>> {
  const auth = await authorize(ctx, actor, 'manage_settings');
  if (!auth.ok) return auth;
  const wanted = text.trim().toLowerCase();
  const days = wanted === 'never' ? 0 : /^\d{1,4}$/.test(wanted) ? Number(wanted) : Number.NaN;
  if (!(days >= 0 && days <= MAX_PASSWORD_EXPIRY_DAYS))
    return fail('invalid_input', `Say after how many days passwords expire, from 1 to ${MAX_PASSWORD_EXPIRY_DAYS}, or never (0).`, [
      { field: 'passwordExpiryDays', message: `0 (never) to ${MAX_PASSWORD_EXPIRY_DAYS} days` },
    ]);
  return ok({ auth, days });
}
