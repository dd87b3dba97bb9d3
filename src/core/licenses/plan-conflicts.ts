import { productBySkuId } from '../catalogue/catalogue.js';

/**
 * Service plans of which a user may hold only one (Microsoft's MutuallyExclusiveViolation, e.g.
 * Office 365 E1 + E3: Exchange Online Plan 1 vs Plan 2). A plan turned off does not count.
 */
const EXCLUSIVE_FAMILIES: readonly (readonly string[])[] = [
  ['EXCHANGE_S_DESKLESS', 'EXCHANGE_S_STANDARD', 'EXCHANGE_S_ENTERPRISE'],
  ['SHAREPOINTDESKLESS', 'SHAREPOINTSTANDARD', 'SHAREPOINTENTERPRISE'],
];

export interface LicenseChoice {
  skuId: string;
  disabledPlans: readonly string[];
}

/** A sentence naming two products that cannot go together, or null. */
export function mutuallyExclusiveProblem(choices: readonly LicenseChoice[]): string | null {
  const holders = new Map<string, { plan: string; product: string }>();
  for (const choice of choices) {
    const product = productBySkuId(choice.skuId);
    if (!product) continue;
    for (const plan of product.plans) {
      if (choice.disabledPlans.includes(plan.id)) continue;
      const family = EXCLUSIVE_FAMILIES.findIndex((names) => names.includes(plan.name));
      if (family < 0) continue;
      const key = String(family);
      const held = holders.get(key);
      if (held && held.plan !== plan.name && held.product !== product.displayName) {
        return `${held.product} and ${product.displayName} can't both be assigned: their ${held.plan} and ${plan.name} plans are mutually exclusive. Pick one, or turn one of those apps off.`;
      }
      holders.set(key, { plan: plan.name, product: product.displayName });
    }
  }
  return null;
}
