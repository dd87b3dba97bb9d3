import type { GraphClient } from '../../graph/graph-client.js';
import type { GraphDomain, GraphOrganization, GraphSubscribedSku } from '../../graph/graph-types.js';
import type { MirroredDomain, MirroredProduct } from '../../domain/mirror.js';
import { productBySkuId } from '../catalogue/catalogue.js';

/** What a tenant is, as connecting and every sync read it: its id and name, its products and its domains. */
export interface TenantFacts {
  microsoftTenantId: string;
  displayName: string;
  products: MirroredProduct[];
  domains: MirroredDomain[];
}

/**
 * Reads the organization, its subscribed products and its domains (Organization.Read.All,
 * Domain.Read.All). A product's part number is the catalogue's when the catalogue knows its sku id
 * (src/core/catalogue), else Graph's; only products assignable to users are kept.
 */
export async function readTenantFacts(client: GraphClient, read?: { id: string; displayName: string }): Promise<TenantFacts> {
  const organization = read ?? (await readOrganization(client));
  const skus = (await client.get<{ value: GraphSubscribedSku[] }>('/subscribedSkus')).value;
  const domains = (await client.get<{ value: GraphDomain[] }>('/domains')).value;
  return {
    microsoftTenantId: organization.id,
    displayName: organization.displayName,
    products: skus
      .filter((sku) => sku.appliesTo !== 'Company')
      .map((sku) => {
        const skuId = sku.skuId.toLowerCase();
        return {
          skuId,
          partNumber: productBySkuId(skuId)?.partNumber ?? sku.skuPartNumber,
          total: sku.prepaidUnits?.enabled ?? 0,
          assigned: sku.consumedUnits ?? 0,
        };
      }),
    domains: domains.map((d) => ({ name: d.id.toLowerCase(), isInitial: d.isInitial, isDefault: d.isDefault, verified: d.isVerified })),
  };
}

/** The tenant's id and display name (Organization.Read.All). */
export async function readOrganization(client: GraphClient): Promise<{ id: string; displayName: string }> {
  const organization = (await client.get<{ value: GraphOrganization[] }>('/organization?$select=id,displayName')).value[0];
  return { id: organization?.id ?? '', displayName: organization?.displayName ?? 'the Microsoft 365 tenant' };
}
