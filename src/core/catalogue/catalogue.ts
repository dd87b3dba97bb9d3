import { createRequire } from 'node:module';

/** Microsoft's product and service-plan catalogue, shipped as data (scripts/build-catalogue.ts). */
export interface ServicePlan {
  id: string;
  name: string;
  displayName: string;
}

export interface Product {
  skuId: string;
  partNumber: string;
  displayName: string;
  plans: ServicePlan[];
}

const require = createRequire(import.meta.url);
const data = require('./products.json') as { products: Product[] };

export const PRODUCTS: readonly Product[] = data.products;
const BY_SKU = new Map(PRODUCTS.map((product) => [product.skuId, product]));
const BY_PART_NUMBER = new Map<string, Product>();
for (const product of PRODUCTS) {
  const key = product.partNumber.toLowerCase();
  if (!BY_PART_NUMBER.has(key)) BY_PART_NUMBER.set(key, product);
}

export function productBySkuId(skuId: string): Product | undefined {
  return BY_SKU.get(skuId.toLowerCase());
}

export function productByPartNumber(partNumber: string): Product | undefined {
  return BY_PART_NUMBER.get(partNumber.trim().toLowerCase());
}
