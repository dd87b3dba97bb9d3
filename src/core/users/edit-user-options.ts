import type { Actor, CoreContext } from '../context.js';
import { forbidden, identify } from '../access/authorize.js';
import { licenseCounts, type LicenseCount } from '../licenses/list-licenses.js';
import type { LicenseChoice } from '../licenses/plan-conflicts.js';
import { ok, type Result } from '../result.js';
import { hasPermission, type Role } from '../roles.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import { usableDomains } from '../../store/organizations.js';
import { licensesOf } from '../../store/seat-ledger.js';
import { managerOf } from '../../store/managers.js';
import { isSynced, loadTarget, targetRefusal, type TargetRef } from './edit-user-target.js';
import { SYNCED_USER } from '../refusals.js';

export interface EditUserForm {
  user: DirectoryUserRecord;
  roles: Role[];
  licenses: LicenseChoice[];
  domains: string[];
  products: LicenseCount[];
  /** Which sections this admin may change for this user; a section not allowed is shown with `notes`. */
  can: { details: boolean; roles: boolean; licenses: boolean; usageLocation: boolean };
  /** Why a section is read-only (a synced user, a target above the admin), for the form to say. */
  note: string | null;
  /** Their manager as stored (a deleted one included, until purged), for the form's Manager picker. */
  manager: { id: string; userPrincipalName: string; displayName: string; deleted: boolean } | null;
}

/**
 * What the Edit user form shows: the user as stored and what this admin may change. Refused only
 * when they may change nothing at all (naming the roles that could).
 */
export async function editUserForm(ctx: CoreContext, actor: Actor, ref: TargetRef): Promise<Result<{ form: EditUserForm }>> {
  const auth = await identify(ctx, actor);
  if (!auth.ok) return auth;
  const roles = auth.roles;
  const anything = (['edit_users', 'assign_licenses', 'edit_usage_location'] as const).some((p) => hasPermission(roles, p));
  if (!anything) return forbidden(ctx, auth, 'edit_users');
  const target = await loadTarget(ctx, auth, ref);
  if (!target.ok) return target;
  const synced = isSynced(target);
  const above = targetRefusal(auth, target);
  const onPremisesOk = !synced && !above;
  const [licenses, domains, products, manager] = await Promise.all([
    licensesOf(ctx.db, target.user.id),
    usableDomains(ctx.db, auth.tenant.id),
    licenseCounts(ctx, auth.tenant.id),
    managerOf(ctx.db, target.user.id),
  ]);
  return ok({
    form: {
      user: target.user,
      roles: target.roles,
      licenses: licenses.map((l) => ({ skuId: l.skuId, disabledPlans: l.disabledPlans })),
      domains,
      products,
      can: {
        details: onPremisesOk && hasPermission(roles, 'edit_users'),
        // A connected tenant's admin roles are given in Microsoft Entra.
        roles: onPremisesOk && hasPermission(roles, 'assign_roles') && auth.tenant.directory === 'embedded',
        licenses: hasPermission(roles, 'assign_licenses'),
        usageLocation: hasPermission(roles, 'edit_usage_location'),
      },
      note: synced ? SYNCED_USER : above,
      manager: manager && { id: manager.id, userPrincipalName: manager.userPrincipalName, displayName: manager.displayName, deleted: manager.deleted },
    },
  });
}
