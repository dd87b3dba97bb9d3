import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import type { Product } from '../catalogue/catalogue.js';
import { ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { licenseSettings, productSettings } from '../../store/license-settings.js';
import { seatWarningThreshold } from '../../store/tenant-settings.js';
import type { Db } from '../../store/database.js';
import { licenseCounts } from './list-licenses.js';
import type { Money } from './money.js';

/**
 * Seat alerts (issue 17), the organization's seat warning grown up: every product has a threshold of
 * seats left, its own or the organization's seat warning (`/licenses warn`); the App Home warns
 * below it, and a change that takes a product below it sends one alert (src/store/seat-alerts.ts
 * decides the crossing, src/core/licenses/seat-alert.ts says it), to a channel or to each admin who
 * may buy or manage licenses; no other until it is back at or above.
 */

export interface ProductSeats {
  product: Product;
  total: number;
  assigned: number;
  available: number;
  /** Its own threshold; null: the organization's seat warning. */
  ownThreshold: number | null;
  /** The one that applies (0: no alert). */
  threshold: number;
  /** Below its threshold since then (alerted); null while at or above. */
  belowSince: Date | null;
  /** One seat a month, when an admin said. */
  price: Money | null;
}

export interface DayAndHour {
  /** 0 Sunday … 6 Saturday. */
  day: number;
  /** 0–23, UTC (organizations have no time zone in Roster). */
  hour: number;
}

export interface SeatAlertsOverview {
  organizationName: string;
  /** The organization's seat warning: the threshold of every product without its own. */
  defaultThreshold: number;
  /** A channel, or null: a DM to each Global, Billing and License admin. */
  channelId: string | null;
  digest: DayAndHour | null;
  products: ProductSeats[];
  /** The actor may change them (Global and Billing admins). */
  canChange: boolean;
}

/** Every product with its seats, threshold, state and price (no permission check: callers have done it). */
export async function productSeats(ctx: CoreContext, tenantId: string, db: Db = ctx.db): Promise<ProductSeats[]> {
  // One after the other: inside a transaction (`db` its `tx`) its queries take turns on one connection anyway.
  const counts = await licenseCounts(ctx, tenantId, db);
  const settings = await productSettings(db, tenantId);
  const fallback = await seatWarningThreshold(db, tenantId);
  const bySku = new Map(settings.map((s) => [s.skuId, s]));
  return counts.map((count) => {
    const own = bySku.get(count.product.skuId);
    const ownThreshold = own?.alertThreshold ?? null;
    return {
      ...count,
      ownThreshold,
      threshold: ownThreshold ?? fallback,
      belowSince: own?.belowSince ?? null,
      price: own?.monthlyPriceMinor != null && own.currency ? { minor: own.monthlyPriceMinor, currency: own.currency } : null,
    };
  });
}

/** Whether a product counts as low: seats bought, fewer left than its threshold (as store/seat-alerts.ts decides). */
export function isLow(seats: Pick<ProductSeats, 'total' | 'available' | 'threshold'>): boolean {
  return seats.total > 0 && seats.available < seats.threshold;
}

/** `/licenses alerts`, `roster licenses alerts`: every product's threshold and state, where alerts go, the digest (any admin role). */
export async function seatAlerts(ctx: CoreContext, actor: Actor): Promise<Result<SeatAlertsOverview>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const tenantId = auth.tenant.id;
  const [products, settings, defaultThreshold] = await Promise.all([
    productSeats(ctx, tenantId),
    licenseSettings(ctx.db, tenantId),
    seatWarningThreshold(ctx.db, tenantId),
  ]);
  return ok({
    organizationName: auth.tenant.name,
    defaultThreshold,
    channelId: settings.alertChannelId,
    digest: settings.digest ? { day: settings.digest.day, hour: settings.digest.hour } : null,
    products,
    canChange: hasPermission(auth.roles, 'manage_license_settings'),
  });
}
