import type { Actor, CoreContext } from '../context.js';
import { identify } from '../access/authorize.js';
import { licenseCounts, type LicenseCount } from '../licenses/list-licenses.js';
import { hasPermission, type Permission, type Role } from '../roles.js';
import { recentChanges } from '../../store/audit.js';
import { countActiveUsers, globalAdmins } from '../../store/directory-users.js';
import { allDomains } from '../../store/organizations.js';
import { customViews } from '../../store/custom-views.js';
import { seatWarningThreshold } from '../../store/tenant-settings.js';
import { productSettings } from '../../store/license-settings.js';

export interface HomeSummary {
  organization: { name: string; initialDomain: string; domains: string[]; userCount: number; passwordExpiryDays: number } | null;
  roles: Role[];
  can: { addUsers: boolean; buyLicenses: boolean; setUp: boolean; manageViews?: boolean; manageSettings?: boolean };
  licenses: LicenseCount[];
  /** The App Home warns about products with fewer seats left than this (0: never). */
  seatWarningThreshold?: number;
  /** Products with a seat alert threshold of their own (sku id → seats), which wins over the organization's. */
  productThresholds?: Record<string, number>;
  /** The organization's custom views, by name (the standard ones are always there). */
  views?: { ref: string; name: string }[];
  recentChanges: { at: Date; actorSlackUserId: string; summary: string }[];
  /** For a member with no admin role: the Global admins to ask for one (at most 3). */
  askGlobalAdmins?: { displayName: string; slackUserId: string | null }[];
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
      askGlobalAdmins: await globalAdmins(ctx.db, tenant.id),
    };
  }
  const [domains, userCount, licenses, changes, threshold, views, settings] = await Promise.all([
    allDomains(ctx.db, tenant.id),
    countActiveUsers(ctx.db, tenant.id),
    licenseCounts(ctx, tenant.id),
    recentChanges(ctx.db, tenant.id, recent),
    seatWarningThreshold(ctx.db, tenant.id),
    customViews(ctx.db, tenant.id),
    productSettings(ctx.db, tenant.id),
  ]);
  return {
    organization: { name: tenant.name, initialDomain: tenant.initialDomain, domains, userCount, passwordExpiryDays: tenant.passwordExpiryDays },
    roles,
    can: {
      addUsers: has('create_users'),
      buyLicenses: has('buy_licenses'),
      setUp: false,
      manageViews: has('manage_views'),
      manageSettings: has('manage_settings'),
    },
    licenses,
    seatWarningThreshold: threshold,
    productThresholds: Object.fromEntries(settings.flatMap((s) => (s.alertThreshold === null ? [] : [[s.skuId, s.alertThreshold]]))),
    views: views.map((v) => ({ ref: `cv:${v.id}`, name: v.name })),
    recentChanges: changes.map((change) => ({ at: change.at, actorSlackUserId: change.actor, summary: change.summary })),
  };
}
