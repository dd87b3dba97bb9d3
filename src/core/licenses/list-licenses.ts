import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { productBySkuId, type Product } from '../catalogue/catalogue.js';
import { ok, type Result } from '../result.js';
import type { Db } from '../../store/database.js';
import { licensePools } from '../../store/seat-ledger.js';

export interface LicenseCount {
  product: Product;
  total: number;
  assigned: number;
  available: number;
}

/** Seat counts per product, for anyone with an admin role. */
export async function listLicenses(
  ctx: CoreContext,
  actor: Actor,
): Promise<
  Result<{
    organizationName: string;
    licenses: LicenseCount[] /** A connected tenant: seats are bought in the Microsoft 365 admin center. */;
    connected: boolean;
  }>
> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  return ok({ organizationName: auth.tenant.name, licenses: await licenseCounts(ctx, auth.tenant.id), connected: auth.tenant.directory !== 'embedded' });
}

/** Seat counts for a tenant, by product name (read from `db`: a transaction's, when given). No permission check: callers have done it. */
export async function licenseCounts(ctx: CoreContext, tenantId: string, db: Db = ctx.db): Promise<LicenseCount[]> {
  return (await licensePools(db, tenantId))
    .map((pool) => {
      const product = productBySkuId(pool.skuId) ?? { skuId: pool.skuId, partNumber: pool.partNumber, displayName: pool.partNumber, plans: [] };
      return { product, total: pool.total, assigned: pool.assigned, available: Math.max(pool.total - pool.assigned, 0) };
    })
    .sort((a, b) => a.product.displayName.localeCompare(b.product.displayName, 'en'));
}
