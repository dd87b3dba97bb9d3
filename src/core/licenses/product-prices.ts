import type { Actor, CoreContext } from '../context.js';
import { reportChange } from '../context.js';
import { authorize } from '../access/authorize.js';
import type { Product } from '../catalogue/catalogue.js';
import { transactionOrDryRun } from '../dry-run.js';
import { fail, ok, type Result } from '../result.js';
import { writeAudit } from '../../store/audit.js';
import { productSettings, setProductPrice } from '../../store/license-settings.js';
import { formatMoney, isCurrency, parseAmount, type Money } from './money.js';
import { productOfOrganization } from './product-target.js';

/**
 * Microsoft's catalogue has no prices (and what an organization pays depends on its agreement), so
 * each organization may tell Roster what one seat of a product costs it a month: the reclaim
 * report and the digest then say what unused seats cost.
 */
export interface ProductPrice {
  product: Product;
  /** Null: no price (forgotten). */
  price: Money | null;
  dryRun: boolean;
}

/**
 * `/licenses price <product> <amount> <currency>` (or `none`), `roster licenses price`: a Global or
 * Billing admin sets or forgets the monthly price of one seat.
 */
export async function setPrice(
  ctx: CoreContext,
  actor: Actor,
  input: { product: string; amount: string; currency?: string; dryRun?: boolean },
): Promise<Result<ProductPrice>> {
  const auth = await authorize(ctx, actor, 'manage_license_settings');
  if (!auth.ok) return auth;
  const found = await productOfOrganization(ctx.db, auth, input.product, { forAssignment: false });
  if (!found.ok) return found;
  const { product } = found;
  const forget = input.amount.trim().toLowerCase() === 'none';
  let price: Money | null = null;
  if (!forget) {
    const currency = (input.currency ?? '').trim().toUpperCase();
    if (!isCurrency(currency))
      return fail('invalid_input', `"${input.currency ?? ''}" is not a currency code. Give the price with its ISO code: 12.50 EUR, 8 USD.`, [
        { field: 'currency', message: 'An ISO 4217 code such as EUR or USD.' },
      ]);
    const minor = parseAmount(input.amount, currency);
    if (minor === null)
      return fail('invalid_input', `"${input.amount}" is not an amount of ${currency}: write it as 12.50 (at most 999,999,999), or none to forget the price.`, [
        { field: 'amount', message: 'A price per seat and month, such as 12.50.' },
      ]);
    price = { minor, currency };
  }
  const dryRun = input.dryRun ?? false;
  const before = (await productSettings(ctx.db, auth.tenant.id)).find((s) => s.skuId === product.skuId);
  const was = before?.monthlyPriceMinor != null && before.currency ? formatMoney({ minor: before.monthlyPriceMinor, currency: before.currency }) : 'no price';
  const saved = await transactionOrDryRun(ctx, dryRun, async (tx) => {
    await setProductPrice(tx, auth.tenant.id, product.skuId, price);
    await writeAudit(
      tx,
      {
        tenantId: auth.tenant.id,
        actor: auth.actorId,
        action: 'licenses.price',
        targetType: 'product',
        targetId: product.skuId,
        changedFields: ['price'],
        summary: price
          ? `Set the price of ${product.displayName} to ${formatMoney(price)} a seat a month (was ${was})`
          : `Forgot the price of ${product.displayName} (was ${was})`,
      },
      ctx.now(),
    );
  });
  if (!saved.ok) return saved;
  if (!dryRun) reportChange(ctx, auth.tenant, 'licenses', actor);
  return ok({ product, price, dryRun });
}
