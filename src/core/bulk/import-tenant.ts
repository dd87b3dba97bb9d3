import type { CoreContext } from '../context.js';
import { usableDomains } from '../../store/organizations.js';
import type { TenantRecord } from '../../store/organizations.js';

export interface ImportTenant {
  id: string;
  name: string;
  initialDomain: string;
  domains: string[];
  passwordExpiryDays: number;
}

export async function loadImportTenant(ctx: CoreContext, tenant: TenantRecord): Promise<ImportTenant> {
  return {
    id: tenant.id,
    name: tenant.name,
    initialDomain: tenant.initialDomain,
    domains: await usableDomains(ctx.db, tenant.id),
    passwordExpiryDays: tenant.passwordExpiryDays,
  };
}
