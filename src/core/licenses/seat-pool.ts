import type { Tx } from '../context.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { CoreFailure, fail } from '../result.js';

/**
 * Takes `count` seats of a product in one conditional UPDATE, so two writers racing for the last
 * seat cannot both win. Throws a CoreFailure (rolling the transaction back) when too few are free.
 */
export async function takeSeats(tx: Tx, tenantId: string, skuId: string, count: number, field = 'licenses'): Promise<void> {
  if (count <= 0) return;
  const changed = await tx.$executeRaw`
    UPDATE LicensePool SET assigned = assigned + ${count}
    WHERE tenantId = ${tenantId} AND skuId = ${skuId} AND assigned + ${count} <= total`;
  if (changed === 1) return;
  const pool = await tx.licensePool.findUnique({ where: { tenantId_skuId: { tenantId, skuId } } });
  const name = productBySkuId(skuId)?.displayName ?? skuId;
  const available = pool ? pool.total - pool.assigned : 0;
  throw new CoreFailure(
    fail(
      'no_seats',
      available <= 0
        ? `No ${name} licenses are left (${pool?.assigned ?? 0} of ${pool?.total ?? 0} assigned). Buy more with \`/licenses buy ${productBySkuId(skuId)?.partNumber ?? skuId} <quantity>\`, or add the user without this license.`
        : `Only ${available} ${name} license${available === 1 ? ' is' : 's are'} left and ${count} are needed. Buy more with \`/licenses buy\`.`,
      [{ field, message: `No ${name} license left. Buy more or pick no license.` }],
    ),
  );
}

/** Gives seats back (never below zero). */
export async function releaseSeats(tx: Tx, tenantId: string, skuId: string, count: number): Promise<void> {
  if (count <= 0) return;
  await tx.$executeRaw`
    UPDATE LicensePool SET assigned = MAX(assigned - ${count}, 0) WHERE tenantId = ${tenantId} AND skuId = ${skuId}`;
}
