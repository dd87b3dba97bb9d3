import type { KnownBlock, PlainTextOption } from '@slack/types';
import type { LicenseCount } from '../../core/licenses/list-licenses.js';
import { VALUE } from './ids.js';
import { option, plain } from './kit.js';

/** "Microsoft 365 Business Basic (3 of 10 available)": a product as pickers show it. */
export function productOption(license: LicenseCount): PlainTextOption {
  return option(`${license.product.displayName} (${license.available} of ${license.total} available)`, license.product.skuId);
}

/** One "Apps to turn off" picker per product with several apps; block id `apps:<skuId>`, as the core names the field. */
export function appsToTurnOffBlocks(licenses: readonly LicenseCount[], hint?: string): KnownBlock[] {
  return licenses
    .slice(0, 20)
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
