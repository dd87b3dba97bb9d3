import type { Db } from './database.js';
import { settleWithoutAlert } from './seat-alerts.js';
import { fromDbDate, toDbDate } from './values.js';

/**
 * All SQL about what admins set around licenses (issue 17): each product's alert threshold and
 * price (ProductSetting), where alerts go and the weekly digest (LicenseSettings).
 */

export interface ProductSettingRecord {
  skuId: string;
  /** Null: the organization's seat warning. */
  alertThreshold: number | null;
  belowSince: Date | null;
  monthlyPriceMinor: number | null;
  currency: string | null;
}

export interface LicenseSettingsRecord {
  alertChannelId: string | null;
  digest: { day: number; hour: number; after: Date } | null;
  reclaimKeepDays: number;
  /** On a connected tenant with sign-in activity read: users not signed in for this many days are proposed. */
  reclaimInactiveDays: number;
}

export const DEFAULT_RECLAIM_KEEP_DAYS = 90;
export const DEFAULT_RECLAIM_INACTIVE_DAYS = 90;

export async function productSettings(db: Db, tenantId: string): Promise<ProductSettingRecord[]> {
  const rows = await db
    .selectFrom('ProductSetting')
    .select(['skuId', 'alertThreshold', 'belowSince', 'monthlyPriceMinor', 'currency'])
    .where('tenantId', '=', tenantId)
    .execute();
  return rows.map((row) => ({ ...row, belowSince: fromDbDate(row.belowSince) }));
}

/** A product's own threshold (null: back to the organization's seat warning); its state follows without an alert. */
export async function setAlertThreshold(db: Db, tenantId: string, skuId: string, threshold: number | null, at: Date): Promise<void> {
  await db
    .insertInto('ProductSetting')
    .values({ tenantId, skuId, alertThreshold: threshold, crossings: 0 })
    .onConflict((conflict) => conflict.columns(['tenantId', 'skuId']).doUpdateSet({ alertThreshold: threshold }))
    .execute();
  await settleWithoutAlert(db, tenantId, [skuId], at);
}

/** A product's monthly price per seat, in minor units with its currency; null forgets it. */
export async function setProductPrice(db: Db, tenantId: string, skuId: string, price: { minor: number; currency: string } | null): Promise<void> {
  const values = { monthlyPriceMinor: price?.minor ?? null, currency: price?.currency ?? null };
  await db
    .insertInto('ProductSetting')
    .values({ tenantId, skuId, crossings: 0, ...values })
    .onConflict((conflict) => conflict.columns(['tenantId', 'skuId']).doUpdateSet(values))
    .execute();
}

export async function licenseSettings(db: Db, tenantId: string): Promise<LicenseSettingsRecord> {
  const row = await db.selectFrom('LicenseSettings').selectAll().where('tenantId', '=', tenantId).executeTakeFirst();
  const after = fromDbDate(row?.digestAfter ?? null);
  return {
    alertChannelId: row?.alertChannelId ?? null,
    digest: row && row.digestDay !== null && row.digestHour !== null && after ? { day: row.digestDay, hour: row.digestHour, after } : null,
    reclaimKeepDays: row?.reclaimKeepDays ?? DEFAULT_RECLAIM_KEEP_DAYS,
    reclaimInactiveDays: row?.reclaimInactiveDays ?? DEFAULT_RECLAIM_INACTIVE_DAYS,
  };
}

type SettingsChange =
  | { alertChannelId: string | null }
  | { digestDay: number | null; digestHour: number | null; digestAfter: string | null }
  | { reclaimKeepDays: number }
  | { reclaimInactiveDays: number };

async function changeSettings(db: Db, tenantId: string, change: SettingsChange): Promise<void> {
  await db
    .insertInto('LicenseSettings')
    .values({ tenantId, ...change })
    .onConflict((conflict) => conflict.column('tenantId').doUpdateSet(change))
    .execute();
}

/** Where alerts and digests go: a channel, or null for a DM to each admin who may buy or manage licenses. */
export async function setAlertChannel(db: Db, tenantId: string, channelId: string | null): Promise<void> {
  await changeSettings(db, tenantId, { alertChannelId: channelId });
}

/** The weekly digest on (its day and UTC hour; the first one falls due at the first such hour after `after`), or off. */
export async function setDigest(db: Db, tenantId: string, digest: { day: number; hour: number; after: Date } | null): Promise<void> {
  await changeSettings(db, tenantId, {
    digestDay: digest?.day ?? null,
    digestHour: digest?.hour ?? null,
    digestAfter: digest ? toDbDate(digest.after) : null,
  });
}

export async function setReclaimKeepDays(db: Db, tenantId: string, days: number): Promise<void> {
  await changeSettings(db, tenantId, { reclaimKeepDays: days });
}

export async function setReclaimInactiveDays(db: Db, tenantId: string, days: number): Promise<void> {
  await changeSettings(db, tenantId, { reclaimInactiveDays: days });
}

/** Organizations whose weekly digest is on. */
export async function organizationsWithDigest(db: Db): Promise<{ tenantId: string; day: number; hour: number; after: Date }[]> {
  const rows = await db
    .selectFrom('LicenseSettings')
    .select(['tenantId', 'digestDay', 'digestHour', 'digestAfter'])
    .where('digestDay', 'is not', null)
    .where('digestHour', 'is not', null)
    .where('digestAfter', 'is not', null)
    .execute();
  return rows.flatMap((row) =>
    row.digestDay !== null && row.digestHour !== null && row.digestAfter !== null
      ? [{ tenantId: row.tenantId, day: row.digestDay, hour: row.digestHour, after: fromDbDate(row.digestAfter) }]
      : [],
  );
}

/**
 * A digest sent for the slot at `slot`: the next falls due after it. Conditional, so of two runs of
 * the same slot (a retried job) only one moves it; false when another did.
 */
export async function markDigestSent(db: Db, tenantId: string, slot: Date): Promise<boolean> {
  const result = await db
    .updateTable('LicenseSettings')
    .set({ digestAfter: toDbDate(slot) })
    .where('tenantId', '=', tenantId)
    .where('digestAfter', '<', toDbDate(slot))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
