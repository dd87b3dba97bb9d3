import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../generated/kysely/database.js';
import { SEAT_ALERT_ACTOR, SEAT_ALERT_JOB, seatAlertKey } from '../domain/seat-alerts.js';
import type { Db } from './database.js';
import { enqueueJob } from './jobs.js';
import { toDbDate } from './values.js';

/**
 * Seat alerts: whether each product is below its threshold, decided in the transaction that
 * changes its pool (called by seat-ledger.ts and the mirror, right after the pool's UPDATE). The
 * crossing is one conditional UPDATE of the product's row (`belowSince IS NULL` and the pool low):
 * the pool's row is locked by the change that precedes it, so of two changes crossing at once the
 * second sees the first's `belowSince` and queues nothing. The crossing's alert job is queued in the
 * same transaction, keyed by the crossing's number: it stands or falls with the change.
 *
 * Low: seats bought (`total > 0`) and fewer left than the product's threshold, its own or else the
 * organization's seat warning (a threshold of 0 never is).
 */
function isLow(eb: ExpressionBuilder<DB, 'ProductSetting'>) {
  return eb.exists(
    eb
      .selectFrom('LicensePool as p')
      .innerJoin('Tenant as t', 't.id', 'p.tenantId')
      .select('p.skuId')
      .whereRef('p.tenantId', '=', 'ProductSetting.tenantId')
      .whereRef('p.skuId', '=', 'ProductSetting.skuId')
      .where('p.total', '>', 0)
      .where((inner) =>
        inner(inner('p.total', '-', inner.ref('p.assigned')), '<', inner.fn.coalesce('ProductSetting.alertThreshold', 't.seatWarningThreshold')),
      ),
  );
}

/** Seats were taken (or the total lowered): a product that went below its threshold now is marked and its alert queued. */
export async function alertIfBelow(db: Db, tenantId: string, skuIds: readonly string[] | 'all', at: Date): Promise<void> {
  let query = db
    .updateTable('ProductSetting')
    .set((eb) => ({ belowSince: toDbDate(at), crossings: eb('crossings', '+', 1) }))
    .where('tenantId', '=', tenantId)
    .where('belowSince', 'is', null)
    .where((eb) => isLow(eb));
  if (skuIds !== 'all') {
    if (skuIds.length === 0) return;
    query = query.where('skuId', 'in', skuIds);
  }
  const crossed = await query.returning(['skuId', 'crossings']).execute();
  for (const row of crossed)
    await enqueueJob(
      db,
      {
        tenantId,
        kind: SEAT_ALERT_JOB,
        key: seatAlertKey(tenantId, row.skuId, row.crossings),
        payload: { skuId: row.skuId, crossing: row.crossings },
        requestedBy: SEAT_ALERT_ACTOR,
        maxAttempts: 5,
      },
      at,
    );
}

/** Seats were freed (or bought): a product back at or above its threshold may alert again at its next crossing. */
export async function rearmIfAbove(db: Db, tenantId: string, skuIds: readonly string[] | 'all'): Promise<void> {
  let query = db
    .updateTable('ProductSetting')
    .set({ belowSince: null })
    .where('tenantId', '=', tenantId)
    .where('belowSince', 'is not', null)
    .where((eb) => eb.not(isLow(eb)));
  if (skuIds !== 'all') {
    if (skuIds.length === 0) return;
    query = query.where('skuId', 'in', skuIds);
  }
  await query.execute();
}

/**
 * The products' state made true without alerting: for a new pool (bought below its threshold, it
 * counts as alerted) and after a threshold changed (the admin who set it is told where it stands).
 */
export async function settleWithoutAlert(db: Db, tenantId: string, skuIds: readonly string[] | 'all', at: Date): Promise<void> {
  if (skuIds !== 'all' && skuIds.length === 0) return;
  let query = db
    .updateTable('ProductSetting')
    .set({ belowSince: toDbDate(at) })
    .where('tenantId', '=', tenantId)
    .where('belowSince', 'is', null)
    .where((eb) => isLow(eb));
  if (skuIds !== 'all') query = query.where('skuId', 'in', skuIds);
  await query.execute();
  await rearmIfAbove(db, tenantId, skuIds);
}

/** Every pool of these products has its settings row (made with the pool; a row already there is kept). */
export async function ensureProductSettings(db: Db, tenantId: string, skuIds: readonly string[], at: Date): Promise<void> {
  for (const skuId of skuIds)
    await db
      .insertInto('ProductSetting')
      .values({ tenantId, skuId, crossings: 0 })
      .onConflict((conflict) => conflict.columns(['tenantId', 'skuId']).doNothing())
      .execute();
  await settleWithoutAlert(db, tenantId, skuIds, at);
}
