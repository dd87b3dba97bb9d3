import { productBySkuId, type Product } from '../catalogue/catalogue.js';
import { mutuallyExclusiveProblem, type LicenseChoice } from './plan-conflicts.js';
import { NO_USAGE_LOCATION, noSuchApps } from '../refusals.js';

/**
 * The rules a user's set of licenses must keep (docs/domain.md "Products, subscriptions, licenses"),
 * as plain-language problems, each with how to fix it. Pure: the caller supplies the user and the
 * licenses before and after the change.
 */

export type LicenseProblemCode =
  | 'no_usage_location'
  | 'mutually_exclusive'
  | 'missing_prerequisite'
  | 'guest_needs_global_admin'
  | 'unknown_product'
  | 'unknown_app';

export interface LicenseProblem {
  code: LicenseProblemCode;
  message: string;
}

/**
 * Add-ons and the service plans one of which the user must already have (Microsoft's
 * DependencyViolation). Microsoft's catalogue does not say which products are add-ons, so the
 * common ones are listed here.
 */
const PREREQUISITES: Record<string, { anyOf: readonly string[]; what: string }> = {
  EXCHANGEARCHIVE_ADDON: { anyOf: ['EXCHANGE_S_STANDARD', 'EXCHANGE_S_ENTERPRISE', 'EXCHANGE_S_DESKLESS'], what: 'an Exchange Online mailbox plan' },
  MCOEV: { anyOf: ['TEAMS1', 'TEAMS_AR_DOD', 'TEAMS_AR_GCCHIGH'], what: 'Microsoft Teams' },
  MCOMEETADV: { anyOf: ['TEAMS1', 'MCOSTANDARD'], what: 'Microsoft Teams or Skype for Business Online' },
  MCOPSTN1: { anyOf: ['MCOEV'], what: 'Teams Phone' },
};

/** Names of the plans a set of licenses turns on. */
export function enabledPlanNames(licenses: readonly LicenseChoice[]): Set<string> {
  const names = new Set<string>();
  for (const license of licenses) {
    const product = productBySkuId(license.skuId);
    for (const plan of product?.plans ?? []) if (!license.disabledPlans.includes(plan.id)) names.add(plan.name);
    // A product's own part number counts too: Teams Phone is sold as product MCOEV and as plan MCOEV.
    if (product) names.add(product.partNumber);
  }
  return names;
}

/** Whether a set of licenses gives the user an Exchange Online mailbox. */
export function hasMailboxPlan(licenses: readonly LicenseChoice[]): boolean {
  return [...enabledPlanNames(licenses)].some((name) => name.startsWith('EXCHANGE_S_'));
}

/**
 * Problems with giving `added` to a user who will then hold `after` (which includes `added`).
 * `mayLicenseGuests` is whether the actor is a Global admin.
 */
export function licenseProblems(
  user: { usageLocation: string | null; userType: string },
  added: readonly LicenseChoice[],
  after: readonly LicenseChoice[],
  options: { mayLicenseGuests: boolean },
): LicenseProblem[] {
  const problems: LicenseProblem[] = [];
  if (added.length === 0) {
    const conflict = mutuallyExclusiveProblem(after);
    return conflict ? [{ code: 'mutually_exclusive', message: conflict }] : [];
  }
  if (!user.usageLocation) {
    problems.push({
      code: 'no_usage_location',
      message: NO_USAGE_LOCATION,
    });
  }
  if (user.userType === 'guest' && !options.mayLicenseGuests) {
    problems.push({ code: 'guest_needs_global_admin', message: 'This is a guest user: only a Global admin can give a guest a license.' });
  }
  for (const license of added) {
    const product = productBySkuId(license.skuId);
    if (!product) {
      problems.push({ code: 'unknown_product', message: `There is no product ${license.skuId} in Microsoft's catalogue.` });
      continue;
    }
    const unknown = license.disabledPlans.filter((id) => !product.plans.some((plan) => plan.id === id));
    if (unknown.length > 0) problems.push({ code: 'unknown_app', message: noSuchApps(product.displayName, unknown) });
    const missing = prerequisiteProblem(product, after);
    if (missing) problems.push({ code: 'missing_prerequisite', message: missing });
  }
  const conflict = mutuallyExclusiveProblem(after);
  if (conflict) problems.push({ code: 'mutually_exclusive', message: conflict });
  return problems;
}

export function prerequisiteProblem(product: Product, after: readonly LicenseChoice[]): string | null {
  const rule = PREREQUISITES[product.partNumber];
  if (!rule) return null;
  const others = after.filter((license) => license.skuId !== product.skuId);
  const have = enabledPlanNames(others);
  if (rule.anyOf.some((name) => have.has(name))) return null;
  return `${product.displayName} is an add-on that needs ${rule.what} first. Assign a product that includes it (or turn that app back on), then add ${product.displayName}.`;
}
