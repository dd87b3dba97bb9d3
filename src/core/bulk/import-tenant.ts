import type { CoreContext } from '../context.js';
import { tenantDomains, type TenantRecord } from '../store/tenant-store.js';

export interface ImportTenant {
  id: string;
  name: string;
  initialDomain: string;
  domains: string[];
  passwordExpiryDays: number;
}

export function loadImportTenant(ctx: CoreContext, tenant: TenantRecord): ImportTenant {
  return { id: tenant.id, name: tenant.name, initialDomain: tenant.initialDomain, domains: tenantDomains(ctx.sqlite, tenant.id), passwordExpiryDays: tenant.passwordExpiryDays };
}
