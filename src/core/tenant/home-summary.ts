import type { Actor, CoreContext } from '../context.js';
import { actorRoles, findTenant } from '../access/authorize.js';
import { licenseCounts, type LicenseCount } from '../licenses/list-licenses.js';
import { hasPermission, type Permission, type Role } from '../roles.js';
import { fromSqliteDate, statement } from '../store/statements.js';

export interface HomeSummary {
  organization: { name: string; initialDomain: string; domains: string[]; userCount: number; passwordExpiryDays: number } | null;
  roles: Role[];
  can: { addUsers: boolean; buyLicenses: boolean; setUp: boolean };
  licenses: LicenseCount[];
  recentChanges: { at: Date; actorSlackUserId: string; summary: string }[];
}

/** What the App Home shows a member: the organization, seats, the last changes, and what they may do. */
export async function homeSummary(ctx: CoreContext, actor: Actor, recent = 10): Promise<HomeSummary> {
  const tenant = await findTenant(ctx, actor.teamId);
  if (!tenant) return { organization: null, roles: [], can: { addUsers: false, buyLicenses: false, setUp: true }, licenses: [], recentChanges: [] };
  const { roles } = await actorRoles(ctx, tenant.id, actor.slackUserId);
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
  const domains = statement(ctx.sqlite, 'SELECT name FROM Domain WHERE tenantId = ? ORDER BY isInitial DESC, name ASC').all(tenant.id) as { name: string }[];
  const { userCount } = statement(ctx.sqlite, 'SELECT COUNT(*) AS userCount FROM DirectoryUser WHERE tenantId = ? AND deletedAt IS NULL').get(tenant.id) as { userCount: number };
  const licenses = await licenseCounts(ctx, tenant.id);
  // One line per import (its summary), not one per imported user.
  const audit = statement(
    ctx.sqlite,
    `SELECT createdAt, actorSlackUserId, summary FROM AuditRecord
     WHERE tenantId = ? AND NOT (action = 'users.import' AND targetType = 'user') ORDER BY createdAt DESC LIMIT ?`,
  ).all(tenant.id, recent) as { createdAt: string; actorSlackUserId: string; summary: string }[];
  return {
    organization: {
      name: tenant.name,
      initialDomain: tenant.initialDomain,
      domains: domains.map((d) => d.name),
      userCount,
      passwordExpiryDays: tenant.passwordExpiryDays,
    },
    roles,
    can: { addUsers: has('create_users'), buyLicenses: has('buy_licenses'), setUp: false },
    licenses,
    recentChanges: audit.map((a) => ({ at: fromSqliteDate(a.createdAt)!, actorSlackUserId: a.actorSlackUserId, summary: a.summary })),
  };
}
