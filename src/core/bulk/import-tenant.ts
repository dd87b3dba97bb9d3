import type { CoreContext } from '../context.js';
import type { Tenant } from '../../generated/prisma/index.js';

export interface ImportTenant {
  id: string;
  name: string;
  initialDomain: string;
  domains: string[];
  passwordExpiryDays: number;
}

export async function loadImportTenant(ctx: CoreContext, tenant: Tenant): Promise<ImportTenant> {
  const domains = await ctx.db.domain.findMany({ where: { tenantId: tenant.id, verified: true }, select: { name: true }, orderBy: { name: 'asc' } });
  return { id: tenant.id, name: tenant.name, initialDomain: tenant.initialDomain, domains: domains.map((d) => d.name), passwordExpiryDays: tenant.passwordExpiryDays };
}
