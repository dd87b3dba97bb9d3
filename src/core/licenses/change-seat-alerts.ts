import type { Actor, CoreContext } from '../context.js';
import { reportChange } from '../context.js';
import { authorize, type Authorized } from '../access/authorize.js';
import { transactionOrDryRun } from '../dry-run.js';
import { fail, ok, type CoreError, type Result } from '../result.js';
import { MAX_SEAT_WARNING } from '../tenant/set-seat-warning.js';
import { writeAudit, type AuditEntry } from '../../store/audit.js';
import type { Db } from '../../store/database.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { setAlertChannel, setAlertThreshold, setDigest } from '../../store/license-settings.js';
import { productOfOrganization } from './product-target.js';
import { productSeats, type DayAndHour, type ProductSeats } from './seat-alerts.js';

/** What `/licenses alerts …` and `roster licenses alerts …` change. Values are as typed; the checks are here. */
export type SeatAlertChange =
  | { set: { product: string; seats: string } }
  | { remove: { product: string } }
  /** A channel id, or `admins` for a DM to each admin who may buy or manage licenses. */
  | { channel: string }
  /** `off`, or a day and an hour (UTC): `monday 9`, `fri 16:00`. */
  | { digest: string };

export interface SeatAlertChanged {
  /** What changed, for people (the audit record's sentence). */
  summary: string;
  /** The product's seats after a set or remove: the admin is told when it is below already (no alert for that). */
  product?: ProductSeats;
  dryRun: boolean;
}

export const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** Changes the seat alerts (Global and Billing admins, `manage_license_settings`), audited; `dryRun` checks and rolls back. */
export async function changeSeatAlerts(
  ctx: CoreContext,
  actor: Actor,
  change: SeatAlertChange,
  options: { dryRun?: boolean } = {},
): Promise<Result<SeatAlertChanged>> {
  const auth = await authorize(ctx, actor, 'manage_license_settings');
  if (!auth.ok) return auth;
  const planned = await plan(ctx, auth, change);
  if (!planned.ok) return planned;
  const dryRun = options.dryRun ?? false;
  const now = ctx.now();
  const done = await transactionOrDryRun(ctx, dryRun, async (tx) => {
    // A threshold settles the products' state from their seats: under the lock every seat writer takes.
    await lockOrganization(tx, auth.tenant.id);
    await planned.write(tx, now);
    await writeAudit(tx, { tenantId: auth.tenant.id, actor: auth.actorId, action: 'licenses.alert', ...planned.audit }, now);
    const skuId = planned.skuId;
    return skuId ? (await productSeats(ctx, auth.tenant.id, tx)).find((p) => p.product.skuId === skuId) : undefined;
  });
  if (!done.ok) return done;
  if (!dryRun) reportChange(ctx, auth.tenant, 'licenses', actor);
  return ok({ summary: planned.audit.summary, ...(done.value ? { product: done.value } : {}), dryRun });
}

interface Planned {
  ok: true;
  skuId?: string;
  write: (tx: Db, now: Date) => Promise<void>;
  audit: Pick<AuditEntry, 'targetType' | 'targetId' | 'changedFields' | 'summary'>;
}

async function plan(ctx: CoreContext, auth: Authorized, change: SeatAlertChange): Promise<Planned | CoreError> {
  const tenantId = auth.tenant.id;
  if ('set' in change || 'remove' in change) {
    const found = await productOfOrganization(ctx.db, auth, 'set' in change ? change.set.product : change.remove.product, { forAssignment: false });
    if (!found.ok) return found;
    const { product } = found;
    let threshold: number | null = null;
    if ('set' in change) {
      const text = change.set.seats.trim();
      if (!/^\d+$/.test(text) || Number(text) > MAX_SEAT_WARNING)
        return fail(
          'invalid_input',
          `The seats must be a whole number from 0 (no alert for ${product.displayName}) to ${MAX_SEAT_WARNING.toLocaleString('en')}.`,
          [{ field: 'threshold', message: 'Enter a whole number of seats, such as 5 (0 for no alert).' }],
        );
      threshold = Number(text);
    }
    return {
      ok: true,
      skuId: product.skuId,
      write: (tx, now) => setAlertThreshold(tx, tenantId, product.skuId, threshold, now),
      audit: {
        targetType: 'product',
        targetId: product.skuId,
        changedFields: ['alertThreshold'],
        summary:
          threshold === null
            ? `${product.displayName} alerts at the organization's seat warning again`
            : threshold === 0
              ? `No seat alert for ${product.displayName}`
              : `Seat alert for ${product.displayName} set to fewer than ${threshold} left`,
      },
    };
  }
  if ('channel' in change) {
    const text = change.channel.trim();
    const admins = text.toLowerCase() === 'admins';
    if (!admins && !/^[CG][A-Z0-9]{2,}$/.test(text))
      return fail('invalid_input', 'Name a channel (its id, such as C0123ABCD) or `admins` for a DM to each Global, Billing and License admin.', [
        { field: 'channel', message: 'A channel, or admins.' },
      ]);
    return {
      ok: true,
      write: (tx) => setAlertChannel(tx, tenantId, admins ? null : text),
      audit: {
        targetType: 'tenant',
        targetId: tenantId,
        changedFields: ['alertChannel'],
        summary: admins ? 'Seat alerts go to the Global, Billing and License admins by DM' : `Seat alerts go to the channel ${text}`,
      },
    };
  }
  const digest = parseDayAndHour(change.digest);
  if (digest === undefined)
    return fail('invalid_input', "Say the digest's day and hour (UTC), such as `monday 9`, or `off`.", [
      { field: 'digest', message: 'A day and an hour, or off.' },
    ]);
  return {
    ok: true,
    write: (tx, now) => setDigest(tx, tenantId, digest ? { ...digest, after: now } : null),
    audit: {
      targetType: 'tenant',
      targetId: tenantId,
      changedFields: ['seatDigest'],
      summary: digest ? `Weekly seat digest on ${digestTime(digest)}` : 'Weekly seat digest turned off',
    },
  };
}

/** `off` (null), `monday 9`, `Mon 09:00`; undefined when it is neither. */
export function parseDayAndHour(text: string): DayAndHour | null | undefined {
  const words = text.trim().toLowerCase().split(/\s+/);
  if (words.length === 1 && words[0] === 'off') return null;
  if (words.length !== 2) return undefined;
  const day = DAYS.findIndex((name) => words[0]!.length >= 3 && name.startsWith(words[0]!));
  const hour = /^(\d{1,2})(?::00)?$/.exec(words[1]!);
  if (day < 0 || !hour || Number(hour[1]) > 23) return undefined;
  return { day, hour: Number(hour[1]) };
}

/** "Mondays at 09:00 UTC". */
export function digestTime(digest: DayAndHour): string {
  const day = DAYS[digest.day]!;
  return `${day[0]!.toUpperCase()}${day.slice(1)}s at ${String(digest.hour).padStart(2, '0')}:00 UTC`;
}
