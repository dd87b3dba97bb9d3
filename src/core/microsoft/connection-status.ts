import { z } from 'zod';
import { connectionOf } from '../../store/directory-connections.js';
import { authorize } from '../access/authorize.js';
import type { Actor, CoreContext } from '../context.js';
import { hasPermission } from '../roles.js';
import { ok, type Result } from '../result.js';
import { openSync } from './sync-request.js';

const countsSchema = z
  .object({ added: z.number(), changed: z.number(), removed: z.number(), users: z.number(), products: z.number(), domains: z.number() })
  .partial();

/** A connection as the admins see it: never its secret. */
export interface ConnectionView {
  tenantName: string;
  microsoftTenantId: string;
  /** What the admin typed to connect (the tenant's GUID or a domain). */
  signsInTo: string;
  clientId: string;
  connectedAt: Date | null;
  connectedBy: string;
  lastSyncAt: Date | null;
  lastSyncError: string | null;
  lastSyncCounts: z.output<typeof countsSchema> | null;
  /** A sync is queued or running now. */
  syncing: boolean;
  /** Users' sign-in activity (sign-in-activity.ts): when last read to the end, and why the last try could not (null: it could). */
  signInActivity: { readAt: Date | null; problem: string | null };
}

/**
 * Whether the organization is connected to a Microsoft 365 tenant, to which, and how its last sync
 * went (any admin role; `canManage`: a Global admin, who may disconnect it).
 */
export async function connectionStatus(
  ctx: CoreContext,
  actor: Actor,
): Promise<Result<{ organizationName: string; connection: ConnectionView | null; canManage: boolean }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const canManage = hasPermission(auth.roles, 'manage_directory');
  const record = await connectionOf(ctx.db, auth.tenant.id);
  if (record?.status !== 'connected') return ok({ organizationName: auth.tenant.name, connection: null, canManage });
  const counts = countsSchema.safeParse(record.lastSyncCounts);
  return ok({
    organizationName: auth.tenant.name,
    canManage,
    connection: {
      tenantName: record.displayName,
      microsoftTenantId: record.microsoftTenantId,
      signsInTo: record.microsoftTenant,
      clientId: record.clientId,
      connectedAt: record.connectedAt,
      connectedBy: record.requestedBy,
      lastSyncAt: record.lastSyncAt,
      lastSyncError: record.lastSyncError,
      lastSyncCounts: counts.success ? counts.data : null,
      syncing: (await openSync(ctx, auth.tenant.id)) !== null,
      signInActivity: { readAt: record.signInReadAt, problem: record.signInProblem },
    },
  });
}
