import type { Actor, CoreContext } from '../context.js';
import { identify } from '../access/authorize.js';
import { licenseCounts, type LicenseCount } from '../licenses/list-licenses.js';
import { hasPermission, type Permission, type Role } from '../roles.js';
import { recentChanges } from '../../store/audit.js';
import { countActiveUsers } from '../../store/directory-users.js';
import { allDomains } from '../../store/organizations.js';

export interface HomeSummary {
  organization: { name: string; initialDomain: string; domains: string[]; userCount: number; passwordExpiryDays: number } | null;
  roles: Role[];
  can: { addUsers: boolean; buyLicenses: boolean; setUp: boolean };
  licenses: LicenseCount[];
  recentChanges: { at: Date; actorSlackUserId: string; summary: string }[];
}

/** What the App Home shows a member: the organization, seats, the last changes, and what they may do. */
export async function homeSummary(ctx: CoreContext, actor: Actor, recent = 10): Promise<HomeSummary> {
  const who = await identify(ctx, actor);
  if (!who.ok) return { organization: null, roles: [], can: { addUsers: false, buyLicenses: false, setUp: true }, licenses: [], recentChanges: [] };
  const { tenant, roles } = who;
  const has = (permission: Permission) => hasPermission(roles, permission);
  if (!has('read')) {
    return {
      organization: { name: tenant.name, initialDomain: tenant.initialDomain, domains: [], userCount: 0, passwordExpiryDays: tenant.passwordExpiryDays },
      roles,
      can: { addUsers: false, buyLicenses: false, setUp: false },
      licenses: [],
      recentChanges: [],
    };
  }
  const [domains, userCount, licenses, changes] = await Promise.all([
    allDomains(ctx.db, tenant.id),
    countActiveUsers(ctx.db, tenant.id),
    licenseCounts(ctx, tenant.id),
    recentChanges(ctx.db, tenant.id, recent),
  ]);
  return {
    organization: { name: tenant.name, initialDomain: tenant.initialDomain, domains, userCount, passwordExpiryDays: tenant.passwordExpiryDays },
    roles,
    can: { addUsers: has('create_users'), buyLicenses: has('buy_licenses'), setUp: false },
    licenses,
    recentChanges: changes.map((change) => ({ at: change.at, actorSlackUserId: change.actor, summary: change.summary })),
  };
}
