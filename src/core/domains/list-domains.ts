import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { hasPermission } from '../roles.js';
import { ok, type Result } from '../result.js';
import { domainsOf, type DomainRecord } from '../../store/organizations.js';

/** The TXT record's name: the domain itself (its apex), as Microsoft 365 asks. */
export const TXT_RECORD_HOST = '@';

/** `/users domains`: the organization's domains (any admin role), and whether the actor may change them (Global admins). */
export async function listDomains(
  ctx: CoreContext,
  actor: Actor,
): Promise<
  Result<{
    organizationName: string;
    domains: DomainRecord[];
    canManage: boolean /** A connected tenant's domains are managed in its admin center. */;
    connected: boolean;
  }>
> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const connected = auth.tenant.directory !== 'embedded';
  return ok({
    organizationName: auth.tenant.name,
    domains: await domainsOf(ctx.db, auth.tenant.id),
    // Roster refuses every domain change on a connected tenant (CONNECTED_READ_ONLY): nobody manages them here.
    canManage: !connected && hasPermission(auth.roles, 'manage_domains'),
    connected,
  });
}
