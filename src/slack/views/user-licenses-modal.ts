import type { KnownBlock, View } from '@slack/types';
import type { LicenseCount } from '../../core/licenses/list-licenses.js';
import type { LicenseChoice } from '../../core/licenses/plan-conflicts.js';
import { esc, option, plain, section } from './kit.js';
import { VALUE } from './ids.js';
import { productOption } from './license-blocks.js';

export const USER_LICENSES_CALLBACK = 'roster_user_licenses';

/** The list's `licenses:<userId>` row action: the user's products on/off, and apps to turn off per product. */
export function userLicensesModal(
  user: { id: string; displayName: string; userPrincipalName: string },
  products: readonly LicenseCount[],
  held: readonly LicenseChoice[],
): View {
  const heldOptions = products.filter((p) => held.some((h) => h.skuId === p.product.skuId)).map(productOption);
  const apps: KnownBlock[] = products
    .filter((p) => p.product.plans.length >= 2)
    .slice(0, 20)
    .map((p) => {
      const off = held.find((h) => h.skuId === p.product.skuId)?.disabledPlans ?? [];
      const options = p.product.plans.slice(0, 100).map((plan) => option(plan.displayName, plan.id));
      const initial = options.filter((o) => off.includes(o.value ?? ''));
      return {
        type: 'input',
        block_id: `apps:${p.product.skuId}`,
        optional: true,
        label: plain(`Apps to turn off: ${p.product.displayName}`, 2000),
        element: {
          type: 'multi_static_select',
          action_id: VALUE,
          placeholder: plain('All apps on'),
          options,
          ...(initial.length ? { initial_options: initial } : {}),
        },
      };
    });
  return {
    type: 'modal',
    callback_id: USER_LICENSES_CALLBACK,
    private_metadata: user.id,
    title: plain('Licenses', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(`*${esc(user.displayName)}* \`${esc(user.userPrincipalName)}\``),
      {
        type: 'input',
        block_id: 'licenses',
        optional: true,
        label: plain('Products'),
        element: {
          type: 'multi_static_select',
          action_id: VALUE,
          placeholder: plain('No license'),
          options: products.slice(0, 100).map(productOption),
          ...(heldOptions.length ? { initial_options: heldOptions } : {}),
        },
      },
      ...apps,
    ],
  };
}
