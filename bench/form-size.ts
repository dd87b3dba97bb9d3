/**
 * `npm run bench -- form-size`: the size in bytes of the Add user form as sent to views.open (and
 * sent back by Slack with every action and submission), with 0, 1 and 20 products owned, and with
 * the 20 all chosen. Products are those with the most apps, the worst case. Nothing is started.
 */
import { PRODUCTS } from '../src/core/catalogue/catalogue.js';
import { addUserModal } from '../src/slack/views/add-user-modal.js';
import { importSettingsModal } from '../src/slack/views/import-modals.js';
import { validateView } from '../test/support/block-kit-validator.js';
import type { Figure, Suite } from './figures.js';

/** Measured at commit 9cf9c3f, before the forms were lightened: one apps picker per product, countries inline. */
const BEFORE: Record<string, number> = {
  'Add user form, 0 products': 24_818,
  'Add user form, 1 product': 35_450,
  'Add user form, 20 products': 200_127,
  'Import settings form, 20 products': 197_365,
};
/** Well under Slack's limits; a form Slack sends back with every payload should stay small. */
const TARGET_BYTES = 50_000;

const biggest = [...PRODUCTS].sort((a, b) => b.plans.length - a.plans.length);
const owned = (n: number) => biggest.slice(0, n).map((product) => ({ product, total: 10, assigned: 3, available: 7 }));
const options = (n: number) => ({
  domains: ['contoso.onmicrosoft.com'],
  initialDomain: 'contoso.onmicrosoft.com',
  licenses: owned(n),
  canAssignRoles: true,
  canAssignLicenses: true,
  passwordExpiryDays: 90,
});

export const formSizeSuite: Suite = async ({ log }) => {
  const cases: [string, object, number | undefined][] = [
    ['Add user form, 0 products', addUserModal(options(0)), TARGET_BYTES],
    ['Add user form, 1 product', addUserModal(options(1)), TARGET_BYTES],
    ['Add user form, 20 products', addUserModal(options(20)), TARGET_BYTES],
    [
      'Add user form, 20 products all chosen',
      addUserModal(options(20), { customPassword: false, chosenSkuIds: biggest.slice(0, 20).map((p) => p.skuId) }),
      undefined,
    ],
    ['Import settings form, 20 products', importSettingsModal('job', 'hires.csv', 10, options(20)), TARGET_BYTES],
    ['Import settings form, 20 products, one chosen', importSettingsModal('job', 'hires.csv', 10, options(20), [biggest[0]!.skuId]), TARGET_BYTES],
  ];
  const figures: Figure[] = [];
  for (const [name, view, target] of cases) {
    const problems = validateView(view, 'modal');
    if (problems.length > 0) throw new Error(`${name} breaks Slack's limits: ${problems.join('; ')}`);
    const bytes = Buffer.byteLength(JSON.stringify(view));
    const before = BEFORE[name];
    log(`${name}: ${bytes.toLocaleString('en-US')} bytes${before ? ` (before: ${before.toLocaleString('en-US')})` : ''}`);
    figures.push({
      suite: 'form-size',
      name,
      value: bytes,
      unit: 'B',
      ...(target ? { target: { op: '<' as const, value: target } } : {}),
      ...(before ? { note: `before ${before}` } : {}),
    });
  }
  return figures;
};
