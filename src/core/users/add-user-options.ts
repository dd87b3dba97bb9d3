import type { Actor, CoreContext } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { licenseCounts, type LicenseCount } from '../licenses/list-licenses.js';
import type { Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { usableDomains } from '../../store/organizations.js';

export interface AddUserOptions {
  domains: string[];
  initialDomain: string;
  licenses: LicenseCount[];
  canAssignRoles: boolean;
  canAssignLicenses: boolean;
  passwordExpiryDays: number;
}

/** What the Add user form offers this admin: the tenant's domains, its products with free seats, roles if allowed. */
export async function addUserOptions(ctx: CoreContext, actor: Actor): Promise<Result<{ options: AddUserOptions }>> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  return { ok: true, options: await optionsFor(ctx, auth) };
}

async function optionsFor(ctx: CoreContext, auth: Authorized): Promise<AddUserOptions> {
  return {
    domains: await usableDomains(ctx.db, auth.tenant.id),
    initialDomain: auth.tenant.initialDomain,
    licenses: await licenseCounts(ctx, auth.tenant.id),
    canAssignRoles: hasPermission(auth.roles, 'assign_roles'),
    canAssignLicenses: hasPermission(auth.roles, 'assign_licenses'),
    passwordExpiryDays: auth.tenant.passwordExpiryDays,
  };
}

/**
 * Whether this actor may add users, without reading the form's options (a slash command's ack
 * says only this); `options` reads them afterwards under the same authorization, milliseconds
 * later (reading the actor's roles again then would answer the same; every use case that
 * creates a user authorizes again).
 */
export async function mayAddUsers(ctx: CoreContext, actor: Actor): Promise<Result<{ options: () => Promise<AddUserOptions> }>> {
  const auth = await authorize(ctx, actor, 'create_users');
  return auth.ok ? { ok: true, options: () => optionsFor(ctx, auth) } : auth;
}
