import type { Db } from './database.js';
import { timeOrderedId } from './row-ids.js';
import { alertIfBelow, ensureProductSettings, rearmIfAbove } from './seat-alerts.js';
import { toDbBool, toDbDate } from './values.js';

/**
 * The mirror of a connected tenant, beside its users (directory-mirror.ts): its products as the
 * organization's seat pools, and its domains. Called by src/directory/microsoft-mirror.ts in the
 * sync's transaction.
 */

/**
 * The tenant's products become the organization's seat pools (total: enabled prepaid units;
 * assigned: consumed units); a product it no longer has keeps no seats. Subscriptions bought in
 * Roster's own directory are cancelled: the tenant's are the ones that count now. A product the
 * sync takes below its seat alert threshold has its alert queued (seat-alerts.ts), as any change's.
 */
export async function setMirroredProducts(
  db: Db,
  tenantId: string,
  products: readonly { skuId: string; partNumber: string; total: number; assigned: number }[],
  at: Date,
): Promise<void> {
  const known = new Set((await db.selectFrom('ProductSetting').select('skuId').where('tenantId', '=', tenantId).execute()).map((row) => row.skuId));
  await db.updateTable('LicensePool').set({ total: 0, assigned: 0 }).where('tenantId', '=', tenantId).execute();
  for (const product of products) {
    await db
      .insertInto('LicensePool')
      .values({ tenantId, skuId: product.skuId, partNumber: product.partNumber, total: product.total, assigned: product.assigned })
      .onConflict((conflict) =>
        conflict.columns(['tenantId', 'skuId']).doUpdateSet({ partNumber: product.partNumber, total: product.total, assigned: product.assigned }),
      )
      .execute();
  }
  await db.updateTable('Subscription').set({ status: 'cancelled' }).where('tenantId', '=', tenantId).where('status', '=', 'active').execute();
  // A product new to Roster starts as it is (no alert for how the tenant had it); the others alert when they crossed.
  await ensureProductSettings(
    db,
    tenantId,
    products.filter((p) => !known.has(p.skuId)).map((p) => p.skuId),
    at,
  );
  await rearmIfAbove(db, tenantId, 'all');
  await alertIfBelow(db, tenantId, 'all', at);
}

/** The tenant's domains become the organization's (the initial one included); the others go. */
export async function setMirroredDomains(
  db: Db,
  tenantId: string,
  domains: readonly { name: string; isInitial: boolean; isDefault: boolean; verified: boolean }[],
  at: Date,
): Promise<void> {
  const names = domains.map((d) => d.name.toLowerCase());
  await db
    .deleteFrom('Domain')
    .where('tenantId', '=', tenantId)
    .where('name', 'not in', names.length > 0 ? names : [''])
    .execute();
  await db
    .updateTable('Domain')
    .set({ isDefault: toDbBool(false) })
    .where('tenantId', '=', tenantId)
    .execute();
  for (const domain of domains) {
    const values = {
      isInitial: toDbBool(domain.isInitial),
      isDefault: toDbBool(domain.isDefault),
      verified: toDbBool(domain.verified),
      verificationCode: null,
    };
    await db
      .insertInto('Domain')
      .values({ id: timeOrderedId(), tenantId, name: domain.name.toLowerCase(), createdAt: toDbDate(at), ...values })
      .onConflict((conflict) => conflict.columns(['tenantId', 'name']).doUpdateSet(values))
      .execute();
  }
  const initial = domains.find((d) => d.isInitial);
  if (initial) await db.updateTable('Tenant').set({ initialDomain: initial.name.toLowerCase() }).where('id', '=', tenantId).execute();
}
