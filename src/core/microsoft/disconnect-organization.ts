import { writeAudit } from '../../store/audit.js';
import { connectionOf, deleteConnection } from '../../store/directory-connections.js';
import { requestCancel } from '../../store/jobs.js';
import { setDirectoryKind } from '../../store/organizations.js';
import { authorize } from '../access/authorize.js';
import { reportChange, type Actor, type CoreContext } from '../context.js';
import { transactionOrDryRun } from '../dry-run.js';
import { notConnected } from '../refusals.js';
import { fail, ok, type Result } from '../result.js';
import { openSync } from './sync-request.js';

/**
 * Disconnects the organization from its tenant (Global admins): the connection and its sealed
 * secret are deleted, a sync queued is cancelled (one running stops at its next step), and Roster
 * stops reading the tenant. The users, licenses and domains stay as the last sync left them, as
 * Roster's own directory again. Nothing changes in the tenant. Audited.
 */
export async function disconnectOrganization(ctx: CoreContext, actor: Actor, options: { dryRun?: boolean } = {}): Promise<Result<{ tenantName: string }>> {
  const auth = await authorize(ctx, actor, 'manage_directory');
  if (!auth.ok) return auth;
  const tenantId = auth.tenant.id;
  const done = await transactionOrDryRun(ctx, options.dryRun ?? false, async (tx): Promise<Result<{ tenantName: string }>> => {
    const connection = await connectionOf(tx, tenantId);
    if (connection?.status !== 'connected') return fail('not_found', notConnected(auth.tenant.name));
    await deleteConnection(tx, tenantId);
    await setDirectoryKind(tx, tenantId, 'embedded');
    await writeAudit(
      tx,
      {
        tenantId,
        actor: auth.actorId,
        action: 'tenant.disconnect',
        targetType: 'tenant',
        targetId: connection.microsoftTenantId,
        changedFields: ['directory'],
        summary: `Disconnected from the Microsoft 365 tenant ${connection.displayName}: its users stay as Roster's own directory`,
      },
      ctx.now(),
    );
    return ok({ tenantName: connection.displayName });
  });
  if (!done.ok) return done;
  if (!done.value.ok || options.dryRun) return done.value;
  const sync = await openSync(ctx, tenantId);
  if (sync) await requestCancel(ctx.db, sync.id, ctx.now());
  ctx.graph.forget(tenantId);
  reportChange(ctx, auth.tenant, 'organization', actor);
  return done.value;
}
