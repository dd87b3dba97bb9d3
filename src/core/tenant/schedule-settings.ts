import { saveTenantSetting } from './save-tenant-setting.js';
import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { fail, ok, type Result } from '../result.js';
import { setScheduleSettings } from '../../store/tenant-settings.js';
import { canonicalTimeZone, isTimeZone } from '../schedules/schedule-time.js';

/**
 * The organization's time zone (`/users settings timezone <zone>`, `roster settings --timezone`;
 * Global admins: `manage_settings`): scheduled changes run on their day at the set hour there.
 * Changes already scheduled keep the moment they were given.
 */
export async function setTimeZone(ctx: CoreContext, actor: Actor, text: string): Promise<Result<{ timeZone: string }>> {
  const auth = await authorize(ctx, actor, 'manage_settings');
  if (!auth.ok) return auth;
  const wanted = text.trim();
  if (!isTimeZone(wanted))
    return fail('invalid_input', `"${wanted}" is not a time zone. Give an IANA name such as Europe/Paris, America/New_York or UTC.`, [
      { field: 'timeZone', message: 'An IANA time zone, such as Europe/Paris' },
    ]);
  const timeZone = canonicalTimeZone(wanted);
  await saveTenantSetting(ctx, actor, auth, {
    write: (tx) => setScheduleSettings(tx, auth.tenant.id, { timeZone }),
    action: 'tenant.time_zone',
    field: 'timeZone',
    summary: `Time zone set to ${timeZone}`,
    shown: false,
  });
  return ok({ timeZone });
}

/** The hour (0-23, in the organization's time zone) scheduled changes run on their day (Global admins). */
export async function setScheduleHour(ctx: CoreContext, actor: Actor, text: string): Promise<Result<{ hour: number }>> {
  const auth = await authorize(ctx, actor, 'manage_settings');
  if (!auth.ok) return auth;
  const wanted = text.trim().replace(/:00$/, '');
  const hour = /^\d{1,2}$/.test(wanted) ? Number(wanted) : Number.NaN;
  if (!(hour >= 0 && hour <= 23))
    return fail('invalid_input', 'The hour of scheduled changes is a whole hour from 0 to 23 (9 or 09:00 for nine in the morning).', [
      { field: 'scheduleHour', message: '0 to 23' },
    ]);
  await saveTenantSetting(ctx, actor, auth, {
    write: (tx) => setScheduleSettings(tx, auth.tenant.id, { hour }),
    action: 'tenant.schedule_hour',
    field: 'scheduleHour',
    summary: `Scheduled changes run at ${String(hour).padStart(2, '0')}:00`,
    shown: false,
  });
  return ok({ hour });
}
