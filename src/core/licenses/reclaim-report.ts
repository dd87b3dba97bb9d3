import { createHash } from 'node:crypto';
import type { Actor, CoreContext } from '../context.js';
import { authorize, mayChangeDirectory } from '../access/authorize.js';
import { productBySkuId, type Product } from '../catalogue/catalogue.js';
import { ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { licenseSettings, productSettings } from '../../store/license-settings.js';
import { keptUsers, reclaimableUsers, type InactivityCutoff, type ReclaimCandidate } from '../../store/reclaim.js';
import type { Db } from '../../store/database.js';
import { connectionOf } from '../../store/directory-connections.js';
import { sumByCurrency, type Money } from './money.js';

/** Most users one reclaim acts on (the report lists them all; a larger organization reclaims in several runs). */
export const MAX_RECLAIM = 5000;

/**
 * Why a user is proposed: their sign-in is blocked, or (a connected tenant whose sign-in activity
 * is read) they may sign in but have not for the organization's inactive days. Deleted users hold no
 * seat (their licenses were freed at deletion and are only remembered for a restore, docs/domain.md).
 */
export type ReclaimReason = 'blocked' | 'inactive';

/** Whether "not signed in for N days" is asked, and if not why (README "Reclaim licenses"). */
export type Inactivity =
  /** Roster's own directory has no sign-ins. */
  | { state: 'not_connected'; days: number }
  /** Connected, but the last sync could not read sign-in activity (`why`), or none has yet (null). */
  | { state: 'not_read'; days: number; why: string | null }
  /** Read to the end at `readAt`: users not signed in for `days` days are proposed. */
  | { state: 'read'; days: number; readAt: Date };

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ReclaimRow {
  userId: string;
  userPrincipalName: string;
  displayName: string;
  reason: ReclaimReason;
  /** The reason in words: "sign-in blocked", "no sign-in for 97 days", "never signed in, created 120 days ago". */
  why: string;
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
  /** Whether "not signed in for N days" is asked. */
  inactivity: Inactivity;
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

/** Why a proposed user is proposed, in words, as of `now`. */
export function reasonOf(user: Pick<ReclaimCandidate, 'accountEnabled' | 'lastSignInAt' | 'createdAt'>, now: Date): { reason: ReclaimReason; why: string } {
  if (!user.accountEnabled) return { reason: 'blocked', why: 'sign-in blocked' };
  const days = (since: Date) => Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY_MS));
  const plural = (n: number) => `${n.toLocaleString('en')} day${n === 1 ? '' : 's'}`;
  if (user.lastSignInAt) return { reason: 'inactive', why: `no sign-in for ${plural(days(user.lastSignInAt))}` };
  return { reason: 'inactive', why: `never signed in, created ${plural(days(user.createdAt))} ago` };
}

/**
 * Whether the organization's inactive users are proposed: on a connected tenant whose last sign-in
 * activity pass read every user (not refused since), those not signed in since `cutoff` (`days` ago).
 */
export async function inactivityOf(db: Db, tenantId: string, now: Date): Promise<{ inactivity: Inactivity; cutoff: InactivityCutoff | null }> {
  const [connection, settings] = await Promise.all([connectionOf(db, tenantId), licenseSettings(db, tenantId)]);
  const days = settings.reclaimInactiveDays;
  if (connection?.status !== 'connected') return { inactivity: { state: 'not_connected', days }, cutoff: null };
  if (connection.signInProblem !== null || !connection.signInReadAt)
    return { inactivity: { state: 'not_read', days, why: connection.signInProblem }, cutoff: null };
  return { inactivity: { state: 'read', days, readAt: connection.signInReadAt }, cutoff: { before: new Date(now.getTime() - days * DAY_MS) } };
}

/** Builds the rows of candidates with their products and costs (prices per product of the organization). */
export function reclaimRows(candidates: readonly ReclaimCandidate[], prices: ReadonlyMap<string, Money>, now: Date): ReclaimRow[] {
  return candidates.map((user) => {
    const products = user.skuIds.map((skuId) => productBySkuId(skuId) ?? { skuId, partNumber: skuId, displayName: skuId, plans: [] });
    return {
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      ...reasonOf(user, now),
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
export async function reclaimCandidates(
  ctx: CoreContext,
  tenantId: string,
): Promise<{ rows: ReclaimRow[]; count: number; inactivity: Inactivity; cutoff: InactivityCutoff | null }> {
  const now = ctx.now();
  const { inactivity, cutoff } = await inactivityOf(ctx.db, tenantId, now);
  const [found, prices] = await Promise.all([reclaimableUsers(ctx.db, tenantId, now, cutoff, MAX_RECLAIM), organizationPrices(ctx, tenantId)]);
  return { rows: reclaimRows(found.users, prices, now), count: found.count, inactivity, cutoff };
}

/**
 * `/licenses reclaim`, `roster licenses reclaim`: licensed users whose seats are paid for and
 * unused (sign-in blocked, or on a connected tenant not signed in for N days), but those kept lately, with what their seats cost a month where the
 * price is known (any admin role reads it).
 */
export async function reclaimReport(ctx: CoreContext, actor: Actor): Promise<Result<ReclaimReport>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const tenantId = auth.tenant.id;
  const [{ rows, count, inactivity, cutoff }, settings] = await Promise.all([reclaimCandidates(ctx, tenantId), licenseSettings(ctx.db, tenantId)]);
  const kept = await keptUsers(ctx.db, tenantId, ctx.now(), cutoff, 20);
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
    canReclaim: hasPermission(auth.roles, 'assign_licenses') && mayChangeDirectory(auth, 'assign_licenses').ok,
    inactivity,
    fingerprint: fingerprintOf(rows.map((r) => r.userId)),
  });
}

/**
 * Who the report proposes, in words (Slack and the command line): "3 users whose sign-in is
 * blocked", "2 users not signed in for 90 days", or both counted: "5 users (3 whose sign-in is
 * blocked, 2 not signed in for 90 days)".
 */
export function proposedWho(report: Pick<ReclaimReport, 'rows' | 'count' | 'inactivity'>): string {
  const users = (n: number) => `${n.toLocaleString('en')} user${n === 1 ? '' : 's'}`;
  const inactive = report.rows.filter((r) => r.reason === 'inactive').length;
  const blocked = report.rows.length - inactive;
  const idle = `not signed in for ${report.inactivity.days} days`;
  if (inactive === 0 && report.rows.length === report.count) return `${users(report.count)} whose sign-in is blocked`;
  if (blocked === 0 && report.rows.length === report.count) return `${users(report.count)} ${idle}`;
  return `${users(report.count)} (${blocked.toLocaleString('en')} whose sign-in is blocked, ${inactive.toLocaleString('en')} ${idle}${
    report.rows.length < report.count ? ', among the first listed' : ''
  })`;
}

/**
 * What the report says about inactive users: proposed since when, or why not (`date` formats a
 * moment for the reader; `escapeText` the stored reason, the only part not written here).
 */
export function inactivityNote(inactivity: Inactivity, date: (at: Date) => string, escapeText: (text: string) => string = (text) => text): string {
  switch (inactivity.state) {
    case 'read':
      return `Users allowed to sign in who have not for ${inactivity.days} days are proposed too (sign-in activity as the sync read it ${date(inactivity.readAt)}; a user created less than ${inactivity.days} days ago is not).`;
    case 'not_read':
      return inactivity.why
        ? `Users who have not signed in for ${inactivity.days} days are not proposed: Roster cannot read sign-in activity from Microsoft 365: ${escapeText(inactivity.why)}`
        : `Users who have not signed in for ${inactivity.days} days are not proposed yet: the next sync reads sign-in activity from Microsoft 365.`;
    default:
      return 'Users who have not signed in for a while are proposed only on a connected Microsoft 365 tenant (Roster’s own directory has no sign-ins).';
  }
}
