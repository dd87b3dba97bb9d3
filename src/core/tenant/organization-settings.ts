import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { hasPermission } from '../roles.js';
import { ok, type Result } from '../result.js';
import { auditRetentionDays } from '../../store/audit-log.js';
import { scheduleSettings, seatWarningThreshold } from '../../store/tenant-settings.js';

export interface OrganizationSettings {
  organizationName: string;
  /** 0: passwords never expire. */
  passwordExpiryDays: number;
  /** The App Home warns below this many seats left of a product (0: never). */
  seatWarningThreshold: number;
  /** null: audit records are kept forever. */
  auditRetentionDays: number | null;
  /** The IANA time zone scheduled changes run in, and their hour there (0-23). */
  timeZone: string;
  scheduleHour: number;
  /** The actor may change them (Global admins). */
  canChange: boolean;
}

/** `/users settings`, `roster settings`: the organization's settings (any admin role). */
export async function organizationSettings(ctx: CoreContext, actor: Actor): Promise<Result<{ settings: OrganizationSettings }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const tenantId = auth.tenant.id;
  const schedule = await scheduleSettings(ctx.db, tenantId);
  return ok({
    settings: {
      organizationName: auth.tenant.name,
      passwordExpiryDays: auth.tenant.passwordExpiryDays,
      seatWarningThreshold: await seatWarningThreshold(ctx.db, tenantId),
      auditRetentionDays: await auditRetentionDays(ctx.db, tenantId),
      timeZone: schedule.timeZone,
      scheduleHour: schedule.hour,
      canChange: hasPermission(auth.roles, 'manage_settings'),
    },
  });
}
