import type { CoreContext } from '../context.js';
import { usableDomains } from '../../store/organizations.js';
import type { TenantRecord } from '../../store/organizations.js';

export interface ImportTenant {
  id: string;
  name: string;
  /** Its Slack workspace (who started an import from Slack is a member there). */
  slackTeamId: string;
  initialDomain: string;
  domains: string[];
  passwordExpiryDays: number;
  /** Roster's own directory, or a connected tenant's (its users are made there: core/bulk/import-to-tenant.ts). */
  directory: TenantRecord['directory'];
}

export async function loadImportTenant(ctx: CoreContext, tenant: TenantRecord): Promise<ImportTenant> {
  return {
    id: tenant.id,
    name: tenant.name,
    slackTeamId: tenant.slackTeamId,
    initialDomain: tenant.initialDomain,
    domains: await usableDomains(ctx.db, tenant.id),
    passwordExpiryDays: tenant.passwordExpiryDays,
    directory: tenant.directory,
  };
}
