import { actorId, isOperator, type Actor, type CoreContext } from '../context.js';
import { fail, type CoreError } from '../result.js';
import { hasPermission, MADE_IN_THE_ADMIN_CENTER, permissionWords, roleLabels, rolesGranting, type Permission, type Role } from '../roles.js';
import { globalAdmins, memberRoles } from '../../store/directory-users.js';
import { tenantByTeam, type TenantRecord } from '../../store/organizations.js';
import { BUY_IN_THE_ADMIN_CENTER, CONNECTED_READ_ONLY, rolesYouHave } from '../refusals.js';

/**
 * The one permission gate. Use cases call it with the actor they were given; listeners never do.
 * A member's roles are read from the directory; an operator's are the ones the command line gave.
 */
export interface Authorized {
  ok: true;
  /** Who asked, as given (re-read inside a writing transaction by `reauthorize`). */
  actor: Actor;
  tenant: TenantRecord;
  /** The directory user the actor is, if any. */
  actorUserId: string | null;
  /** How records name the actor (a Slack member id, or `cli:<name>`). */
  actorId: string;
  roles: Role[];
}

export const NOT_SET_UP_MESSAGE = 'Roster is not set up for this workspace yet. A workspace owner or admin can run `/users setup` to create the organization.';

/** The actor's organization and roles, whatever they may do (none when not linked, blocked or deleted). */
export async function identify(ctx: CoreContext, actor: Actor): Promise<Authorized | CoreError> {
  const tenant = await tenantByTeam(ctx.db, actor.teamId);
  if (!tenant) return fail('not_set_up', NOT_SET_UP_MESSAGE);
  if (isOperator(actor)) return { ok: true, actor, tenant, actorUserId: null, actorId: actorId(actor), roles: [...actor.roles] };
  const { userId, roles } = await memberRoles(ctx.db, tenant.id, actor.slackUserId);
  return { ok: true, actor, tenant, actorUserId: userId, actorId: actor.slackUserId, roles };
}

/**
 * Checks that the actor may do something. A refusal names the roles that would allow it and the
 * Global admins to ask, so the person knows where to go.
 */
export async function authorize(ctx: CoreContext, actor: Actor, permission: Permission): Promise<Authorized | CoreError> {
  const who = await identify(ctx, actor);
  if (!who.ok) return who;
  if (!hasPermission(who.roles, permission)) return forbidden(ctx, who, permission);
  return mayChangeDirectory(who, permission);
}

/**
 * The actor as given, or the refusal of what Roster does not change in a connected tenant (it is
 * done in the Microsoft 365 or Entra admin center, and shows here after the next sync). Everything
 * else a connected organization's admins do goes to the tenant (core/directory/change-directory.ts).
 */
export function mayChangeDirectory(who: Authorized, permission: Permission): Authorized | CoreError {
  if (who.tenant.directory === 'embedded' || !MADE_IN_THE_ADMIN_CENTER.includes(permission)) return who;
  return fail('unsupported', permission === 'buy_licenses' ? BUY_IN_THE_ADMIN_CENTER : CONNECTED_READ_ONLY);
}

/** The refusal for a permission the actor lacks, naming the roles that grant it and who to ask. */
export async function forbidden(ctx: CoreContext, who: Authorized, permission: Permission): Promise<CoreError> {
  const ask = (await globalAdmins(ctx.db, who.tenant.id)).map((admin) => (admin.slackUserId ? `<@${admin.slackUserId}>` : admin.displayName)).join(', ');
  return fail('forbidden', forbiddenMessage(who, permission, ask));
}

/** The sentence refusing a permission: the roles that grant it, the actor's, and (when known) the Global admins to ask. */
export function forbiddenMessage(who: Pick<Authorized, 'roles'>, permission: Permission, ask = ''): string {
  const have = rolesYouHave(who.roles);
  return `To ${permissionWords(permission)} you need one of these roles: ${roleLabels(rolesGranting(permission))}. ${have}${ask ? ` Ask a Global admin (${ask}) to give you one.` : ''}`;
}
