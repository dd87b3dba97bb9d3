import type { KnownBlock, PlainTextOption } from '@slack/types';
import type { LicenseCount } from '../../core/licenses/list-licenses.js';
import { VALUE } from './ids.js';
import { option, plain } from './kit.js';

/** "Microsoft 365 Business Basic (3 of 10 available)": a product as pickers show it. */
export function productOption(license: LicenseCount): PlainTextOption {
  return option(`${license.product.displayName} (${license.available} of ${license.total} available)`, license.product.skuId);
}

/** Slack allows 100 options in a select, or 100 groups of 100. */
const PER_GROUP = 100;

/**
 * Every product the organization owns, as the options of a select: a plain list up to 100, beyond
 * that groups of 100 ("Products 101 – 200"), so no product is ever left out.
 */
export function productChoices(
  licenses: readonly LicenseCount[],
  extra: PlainTextOption[] = [],
): { options: PlainTextOption[] } | { option_groups: { label: ReturnType<typeof plain>; options: PlainTextOption[] }[] } {
  const all = [...licenses.map(productOption), ...extra];
  if (all.length <= PER_GROUP) return { options: all };
  const groups = [];
  for (let i = 0; i < all.length && groups.length < PER_GROUP; i += PER_GROUP) {
    groups.push({ label: plain(`Products ${i + 1} – ${Math.min(i + PER_GROUP, all.length)}`, 75), options: all.slice(i, i + PER_GROUP) });
  }
  return { option_groups: groups };
}

/** An "Apps to turn off" picker for each given product with several apps; block id `apps:<skuId>`, as the core names the field. */
export function appsToTurnOffBlocks(licenses: readonly LicenseCount[], hint?: string): KnownBlock[] {
  return licenses
    .filter((license) => license.product.plans.length >= 2)
    .map((license) => ({
      type: 'input',
      block_id: `apps:${license.product.skuId}`,
      optional: true,
      label: plain(`Apps to turn off: ${license.product.displayName}`, 2000),
      ...(hint ? { hint: plain(hint) } : {}),
      element: {
        type: 'multi_static_select',
        action_id: VALUE,
        placeholder: plain('All apps on'),
        options: license.product.plans.slice(0, 100).map((plan) => option(plan.displayName, plan.id)),
      },
    }));
}
