import { saveTenantSetting } from './save-tenant-setting.js';
import type { Actor, CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { fail, ok, type CoreError, type Result } from '../result.js';
import { setSeatWarningThreshold } from '../../store/tenant-settings.js';
import { settleWithoutAlert } from '../../store/seat-alerts.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { homeSummary } from './home-summary.js';

export const MAX_SEAT_WARNING = 100_000;

/**
 * Sets below how many seats left the App Home warns about a product, and a change taking it below
 * sends a seat alert (Global admins: `manage_settings`): every product without a threshold of its
 * own (`/licenses alerts set`). 0 turns the warning off. Products already below count as alerted.
 */
export async function setSeatWarning(ctx: CoreContext, actor: Actor, text: string): Promise<Result<{ threshold: number }>> {
  const allowed = await seatWarningChecks(ctx, actor, text);
  if (!allowed.ok) return allowed;
  const { auth, threshold } = allowed;
  await saveTenantSetting(ctx, actor, auth, {
    write: async (tx) => {
      await lockOrganization(tx, auth.tenant.id);
      await setSeatWarningThreshold(tx, auth.tenant.id, threshold);
      await settleWithoutAlert(tx, auth.tenant.id, 'all', ctx.now());
    },
    action: 'tenant.seat_warning',
    field: 'seatWarningThreshold',
    summary: threshold > 0 ? `Seat warning set to fewer than ${threshold} left` : 'Seat warning turned off',
    shown: true,
  });
  return ok({ threshold });
}

/** Whether this actor may set the seat warning to `text`, and the threshold it means; writes nothing. */
export async function checkSeatWarning(ctx: CoreContext, actor: Actor, text: string): Promise<Result<{ threshold: number }>> {
  const result = await seatWarningChecks(ctx, actor, text);
  return result.ok ? ok({ threshold: result.threshold }) : result;
}

async function seatWarningChecks(ctx: CoreContext, actor: Actor, text: string): Promise<{ ok: true; auth: Authorized; threshold: number } | CoreError> {
  const auth = await authorize(ctx, actor, 'manage_settings');
  if (!auth.ok) return auth;
  const trimmed = text.trim();
  const threshold = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || threshold > MAX_SEAT_WARNING) {
    return fail('invalid_input', `The seat warning must be a whole number from 0 (no warning) to ${MAX_SEAT_WARNING.toLocaleString('en')}.`, [
      { field: 'threshold', message: 'Enter a whole number of seats, such as 5 (0 for no warning).' },
    ]);
  }
  return { ok: true, auth, threshold };
}

/** The seat warning form's current value, for Global admins (who may change it). */
export async function seatWarningForm(ctx: CoreContext, actor: Actor): Promise<Result<{ threshold: number }>> {
  const auth = await authorize(ctx, actor, 'manage_settings');
  if (!auth.ok) return auth;
  const summary = await homeSummary(ctx, actor, 0);
  return ok({ threshold: summary.seatWarningThreshold ?? 5 });
}
