import { createHash } from 'node:crypto';
import type { Actor, CoreContext } from '../context.js';
import { authorize, mayChangeDirectory } from '../access/authorize.js';
import { productBySkuId, type Product } from '../catalogue/catalogue.js';
import { ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { licenseSettings, productSettings } from '../../store/license-settings.js';
import { blockedLicensedUsers, keptUsers, type ReclaimCandidate } from '../../store/reclaim.js';
import { sumByCurrency, type Money } from './money.js';

/** Most users one reclaim acts on (the report lists them all; a larger organization reclaims in several runs). */
export const MAX_RECLAIM = 5000;

/**
 * Why a user is proposed. Only `blocked` for now: deleted users hold no seat (their licenses were
 * freed at deletion and are only remembered for a restore, docs/domain.md), and sign-in activity is
 * not read from Microsoft 365 yet, so "not signed in for N days" waits for it.
 */
export type ReclaimReason = 'blocked';

export interface ReclaimRow {
  userId: string;
  userPrincipalName: string;
  displayName: string;
  reason: ReclaimReason;
  products: Product[];
  /** What their seats cost a month, per currency, for the products with a price. */
  monthly: Money[];
  /** Their products without a price. */
  unpriced: Product[];
}

export interface ReclaimReport {
  organizationName: string;
  /** Every proposed user (at most MAX_RECLAIM), by display name. */
  rows: ReclaimRow[];
  /** How many are proposed in all (more than `rows` past MAX_RECLAIM). */
  count: number;
  /** Seats that reclaiming every row frees. */
  seats: number;
  monthly: Money[];
  /** Products of the rows that have no price (`/licenses price`). */
  unpriced: Product[];
  /** Users kept (not proposed) until a date, the soonest first (at most 20). */
  kept: { userPrincipalName: string; keptUntil: Date }[];
  keepDays: number;
  /** The actor may reclaim (and keep): License, User and Global admins, on Roster's own directory. */
  canReclaim: boolean;
  /** Whether "not signed in for N days" could be asked: never yet (sign-in activity is not mirrored). */
  inactivity: 'not_mirrored';
  /** Names the proposed set: a confirmation made for another set is refused. */
  fingerprint: string;
}

/** The fingerprint of a set of users (order does not matter): what a confirmation of "Reclaim all" carries. */
export function fingerprintOf(userIds: readonly string[]): string {
  return createHash('sha256')
    .update([...userIds].sort().join('\n'))
    .digest('base64url')
    .slice(0, 16);
}

/** Builds the rows of candidates with their products and costs (prices per product of the organization). */
export function reclaimRows(candidates: readonly ReclaimCandidate[], prices: ReadonlyMap<string, Money>): ReclaimRow[] {
  return candidates.map((user) => {
    const products = user.skuIds.map((skuId) => productBySkuId(skuId) ?? { skuId, partNumber: skuId, displayName: skuId, plans: [] });
    return {
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      reason: 'blocked' as const,
      products,
      monthly: sumByCurrency(products.flatMap((p) => (prices.has(p.skuId) ? [prices.get(p.skuId)!] : []))),
      unpriced: products.filter((p) => !prices.has(p.skuId)),
    };
  });
}

export async function organizationPrices(ctx: CoreContext, tenantId: string): Promise<Map<string, Money>> {
  const prices = new Map<string, Money>();
  for (const s of await productSettings(ctx.db, tenantId))
    if (s.monthlyPriceMinor !== null && s.currency) prices.set(s.skuId, { minor: s.monthlyPriceMinor, currency: s.currency });
  return prices;
}

/** The proposed users of an organization, with their costs (no permission check: callers have done it). */
export async function reclaimCandidates(ctx: CoreContext, tenantId: string): Promise<{ rows: ReclaimRow[]; count: number }> {
  const [found, prices] = await Promise.all([blockedLicensedUsers(ctx.db, tenantId, ctx.now(), MAX_RECLAIM), organizationPrices(ctx, tenantId)]);
  return { rows: reclaimRows(found.users, prices), count: found.count };
}

/**
 * `/licenses reclaim`, `roster licenses reclaim`: licensed users whose seats are paid for and
 * unused (sign-in blocked), but those kept lately, with what their seats cost a month where the
 * price is known (any admin role reads it).
 */
export async function reclaimReport(ctx: CoreContext, actor: Actor): Promise<Result<ReclaimReport>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const tenantId = auth.tenant.id;
  const [{ rows, count }, kept, settings] = await Promise.all([
    reclaimCandidates(ctx, tenantId),
    keptUsers(ctx.db, tenantId, ctx.now(), 20),
    licenseSettings(ctx.db, tenantId),
  ]);
  const unpriced = new Map(rows.flatMap((r) => r.unpriced).map((p) => [p.skuId, p]));
  return ok({
    organizationName: auth.tenant.name,
    rows,
    count,
    seats: rows.reduce((sum, r) => sum + r.products.length, 0),
    monthly: sumByCurrency(rows.flatMap((r) => r.monthly)),
    unpriced: [...unpriced.values()],
    kept,
    keepDays: settings.reclaimKeepDays,
    canReclaim: hasPermission(auth.roles, 'assign_licenses') && mayChangeDirectory(auth).ok,
    inactivity: 'not_mirrored',
    fingerprint: fingerprintOf(rows.map((r) => r.userId)),
  });
}
