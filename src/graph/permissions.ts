/**
 * The application permission (least privileged) each Graph call Roster makes needs, so that a 403
 * names the one to grant (Graph's Authorization_RequestDenied does not). README.md lists them per
 * feature. A password set through Graph also needs a Microsoft Entra role given to the app itself.
 */
const READS: { path: RegExp; permission: string }[] = [
  { path: /^\/users(\/|\?|$)/, permission: 'User.Read.All' },
  { path: /^\/organization(\/|\?|$)/, permission: 'Organization.Read.All' },
  { path: /^\/subscribedSkus(\/|\?|$)/, permission: 'Organization.Read.All' },
  { path: /^\/domains(\/|\?|$)/, permission: 'Domain.Read.All' },
  { path: /^\/directory\/deletedItems(\/|\?|$)/, permission: 'User.Read.All' },
  { path: /^\/roleManagement\/directory\/roleAssignments(\/|\?|$)/, permission: 'RoleManagement.Read.Directory' },
];

const WRITES: { path: RegExp; permission: string }[] = [
  { path: /^\/invitations$/, permission: 'User.Invite.All' },
  { path: /^\/users(\/|$)/, permission: 'User.ReadWrite.All' },
  { path: /^\/directory\/deletedItems\//, permission: 'User.ReadWrite.All' },
];

/** Reading users' signInActivity (also needs an Entra ID P1 or P2 license in the tenant). */
export const SIGN_IN_PERMISSION = 'AuditLog.Read.All';

/** The Entra role an app needs to set another user's password (Graph's "who can perform sensitive actions"). */
export const PASSWORD_ROLE = 'User Administrator';

/** What a request needs, by its method, its path under /v1.0 (with its query) and its body; undefined when Roster does not know. */
export function permissionFor(method: string, path: string, body?: unknown): { permission?: string; role?: string } | undefined {
  const bare = path.split('?')[0] ?? path;
  if (method.toUpperCase() === 'GET') {
    // A read of users' sign-in activity needs its own permission besides User.Read.All.
    if (/^\/users$/.test(bare) && /signInActivity/i.test(decodeURIComponent(path.slice(bare.length)))) return { permission: SIGN_IN_PERMISSION };
    const read = READS.find((r) => r.path.test(bare));
    return read ? { permission: read.permission } : undefined;
  }
  const write = WRITES.find((w) => w.path.test(bare));
  if (!write) return undefined;
  const setsPassword = typeof body === 'object' && body !== null && 'passwordProfile' in body && method.toUpperCase() === 'PATCH';
  return setsPassword ? { permission: write.permission, role: PASSWORD_ROLE } : { permission: write.permission };
}
