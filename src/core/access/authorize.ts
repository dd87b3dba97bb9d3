import type { Actor, CoreContext } from '../context.js';
import { fail, type CoreError } from '../result.js';
import { hasPermission, permissionWords, roleLabels, rolesGranting, ROLE_IDS, type Permission, type Role } from '../roles.js';
import { globalAdmins, memberRoles, tenantByTeam, type TenantRecord } from '../store/tenant-store.js';

export interface Authorized {
  ok: true;
  tenant: TenantRecord;
  /** The directory user the Slack member is, if any. */
  actorUserId: string | null;
  roles: Role[];
}

export const NOT_SET_UP_MESSAGE =
  'Roster is not set up for this workspace yet. A workspace owner or admin can run `/users setup` to create the organization.';

export async function findTenant(ctx: CoreContext, teamId: string): Promise<TenantRecord | null> {
  return tenantByTeam(ctx.sqlite, teamId);
}

/** The roles a Slack member holds in the workspace's tenant (none when not linked, blocked or deleted). */
export async function actorRoles(ctx: CoreContext, tenantId: string, slackUserId: string): Promise<{ userId: string | null; roles: Role[] }> {
  return memberRoles(ctx.sqlite, tenantId, slackUserId);
}

/**
 * Checks that the actor may do something. A refusal names the roles that would allow it and the
 * Global admins to ask, so the person knows where to go.
 */
export async function authorize(ctx: CoreContext, actor: Actor, permission: Permission): Promise<Authorized | CoreError> {
  const tenant = tenantByTeam(ctx.sqlite, actor.teamId);
  if (!tenant) return fail('not_set_up', NOT_SET_UP_MESSAGE);
  if (actor.operator) return { ok: true, tenant, actorUserId: null, roles: [...ROLE_IDS] };
  const { userId, roles } = memberRoles(ctx.sqlite, tenant.id, actor.slackUserId);
  if (hasPermission(roles, permission)) return { ok: true, tenant, actorUserId: userId, roles };
  const allowed = rolesGranting(permission);
  const ask = globalAdmins(ctx.sqlite, tenant.id)
    .map((a) => (a.slackUserId ? `<@${a.slackUserId}>` : a.displayName))
    .join(', ');
  const have = roles.length > 0 ? `You have ${roleLabels(roles)}.` : 'You have no admin role in this organization.';
  return fail(
    'forbidden',
    `To ${permissionWords(permission)} you need one of these roles: ${roleLabels(allowed)}. ${have}${ask ? ` Ask a Global admin (${ask}) to give you one.` : ''}`,
  );
}
