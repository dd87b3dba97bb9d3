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
  /** Whether Roster's admin roles follow the tenant's Entra roles: read at the last sync, or not (and why). */
  adminRoles: AdminRolesRead;
  /** Users' sign-in activity (sign-in-activity.ts): when last read to the end, and why the last try could not (null: it could). */
  signInActivity: { readAt: Date | null; problem: string | null };
}

/** Whether the syncs read the users' Microsoft Entra roles (docs/domain.md "Connected organizations"). */
export type AdminRolesRead =
  /** Read at the last sync that ended (`at`). */
  | { state: 'read'; at: Date }
  /** The last sync could not read them: the app lacks `missing`; `lastReadAt`: an earlier read, whose roles stay. */
  | { state: 'unread'; missing: string; lastReadAt: Date | null }
  /** No sync has read them, nor tried, yet. */
  | { state: 'not_yet' };

/** Directory.Read.All lets an app read role assignments too (a broader permission some apps hold already). */
const ALSO_READS_ROLES: Record<string, string> = { 'RoleManagement.Read.Directory': 'Directory.Read.All' };

/**
 * What `/users connect` and `roster connect --status` say about the admin roles, with dates as
 * `date` writes them and the permission's name passed through `text` (Slack escapes it).
 */
export function adminRolesSentence(roles: AdminRolesRead, date: (at: Date) => string, text: (said: string) => string = (said) => said): string {
  if (roles.state === 'read') return `read from the tenant at each sync (last read ${date(roles.at)})`;
  if (roles.state === 'not_yet') return 'read from the tenant at the first sync, when the app may read them (RoleManagement.Read.Directory)';
  const also = ALSO_READS_ROLES[roles.missing];
  const lacks = `the app lacks ${text(roles.missing)}${also ? ` (or ${also})` : ''}`;
  return roles.lastReadAt
    ? `not read at the last sync: ${lacks}. The roles as read on ${date(roles.lastReadAt)} apply until it is granted (with admin consent) and a sync reads them again`
    : `not read: ${lacks}. Roster's own roles apply until it is granted (with admin consent) and a sync reads them`;
}

function adminRolesOf(record: { rolesReadAt: Date | null; rolesUnreadFor: string | null }): AdminRolesRead {
  if (record.rolesUnreadFor) return { state: 'unread', missing: record.rolesUnreadFor, lastReadAt: record.rolesReadAt };
  return record.rolesReadAt ? { state: 'read', at: record.rolesReadAt } : { state: 'not_yet' };
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
      adminRoles: adminRolesOf(record),
      signInActivity: { readAt: record.signInReadAt, problem: record.signInProblem },
    },
  });
}
