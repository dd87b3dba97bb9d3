import type { GraphClient } from '../../graph/graph-client.js';
import { GraphError } from '../../graph/graph-error.js';
import type { Role } from '../roles.js';

/**
 * Microsoft Entra's built-in directory roles that are Roster's admin roles (docs/domain.md "Admin
 * roles"), by role template id (the same in every tenant; a role assignment's roleDefinitionId).
 */
export const ENTRA_ROLES: Readonly<Record<string, Role>> = {
  '62e90394-69f5-4237-9190-012177145e10': 'global_admin',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'user_admin',
  '4d6ac14f-3453-41d0-bef9-a3e0c569773a': 'license_admin',
  'b0f54661-2d74-4c50-afa3-1ec803f12efe': 'billing_admin',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'helpdesk_admin',
  'f023fd81-a637-4b56-95fd-791ac0226033': 'service_support_admin',
};

/** The Entra role assignments Roster reads (RoleManagement.Read.Directory): active ones, tenant-wide. */
const ASSIGNMENTS = `/roleManagement/directory/roleAssignments?$select=principalId,roleDefinitionId,directoryScopeId&$filter=${encodeURIComponent(
  `roleDefinitionId in (${Object.keys(ENTRA_ROLES)
    .map((id) => `'${id}'`)
    .join(',')})`,
)}`;

/** The permission Roster asks for to read the role assignments (least privileged; Directory.Read.All does too). */
export const ROLES_PERMISSION = 'RoleManagement.Read.Directory';

/**
 * What a read of the tenant's roles gave: the users' Roster roles, by object id (their tenant-wide
 * active assignments of the roles above); or, when the app may not read them, the permission it
 * lacks (roles then stay as they are in Roster).
 */
export type EntraRolesRead = { roles: Map<string, Role[]> } | { roles: null; missing: string };

export async function readEntraRoles(client: GraphClient): Promise<EntraRolesRead> {
  const roles = new Map<string, Role[]>();
  try {
    for await (const page of client.pages<{ principalId: string; roleDefinitionId: string; directoryScopeId?: string }>(ASSIGNMENTS)) {
      for (const assignment of page.value) {
        const role = ENTRA_ROLES[assignment.roleDefinitionId.toLowerCase()];
        // A role scoped to an administrative unit is not a tenant-wide admin role.
        if (!role || (assignment.directoryScopeId && assignment.directoryScopeId !== '/')) continue;
        roles.set(assignment.principalId, [...(roles.get(assignment.principalId) ?? []), role]);
      }
    }
  } catch (error) {
    if (error instanceof GraphError && error.kind === 'missing_permission') return { roles: null, missing: error.details.permission ?? ROLES_PERMISSION };
    throw error;
  }
  return { roles };
}
