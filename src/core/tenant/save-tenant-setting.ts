import type { Actor, CoreContext } from '../context.js';
import { reportChange } from '../context.js';
import type { Authorized } from '../access/authorize.js';
import { transaction } from '../transaction.js';
import { writeAudit, type AuditAction } from '../../store/audit.js';
import type { Db } from '../../store/database.js';

/**
 * Stores one organization setting its use case has checked (the seat warning, the password expiry,
 * the audit retention): the write and its audit record in one transaction. `shown` settings (on the
 * App Home) report the change so the Homes follow.
 */
export async function saveTenantSetting(
  ctx: CoreContext,
  actor: Actor,
  auth: Authorized,
  setting: { write: (tx: Db) => Promise<void>; action: AuditAction; field: string; summary: string; shown: boolean },
): Promise<void> {
  const tenantId = auth.tenant.id;
  await transaction(ctx, async (tx) => {
    await setting.write(tx);
    await writeAudit(
      tx,
      {
        tenantId,
        actor: auth.actorId,
        action: setting.action,
        targetType: 'tenant',
        targetId: tenantId,
        changedFields: [setting.field],
        summary: setting.summary,
      },
      ctx.now(),
    );
  });
  if (setting.shown) reportChange(ctx, auth.tenant, 'organization', actor);
}
