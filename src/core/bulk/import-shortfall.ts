import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { productBySkuId, type Product } from '../catalogue/catalogue.js';
import { fail, ok, type Result } from '../result.js';
import { findImportJob } from '../../store/import-jobs.js';
import { licensePool } from '../../store/seat-ledger.js';
import { IMPORT_GONE } from '../refusals.js';

/**
 * "Buy licenses" on an import preview (docs/domain.md "Add many users from a CSV"): how many seats
 * of a product the import's ready rows need beyond those available now, for an admin who may buy
 * (Global or Billing admin). `missing` is 0 once there are enough.
 */
export async function importSeatShortfall(
  ctx: CoreContext,
  actor: Actor,
  jobId: string,
  skuId: string,
): Promise<Result<{ product: Product; missing: number; rowsReady: number; available: number; fileName: string }>> {
  const auth = await authorize(ctx, actor, 'buy_licenses');
  if (!auth.ok) return auth;
  const job = jobId ? await findImportJob(ctx.db, jobId, auth.tenant.id) : null;
  if (!job) return fail('not_found', IMPORT_GONE);
  if (job.status !== 'previewed') return fail('conflict', `The import of ${job.fileName} is already ${job.status}: buy licenses with \`/licenses buy\`.`);
  const product = productBySkuId(skuId);
  if (!product) return fail('not_found', `Roster knows no product ${skuId}.`);
  const pool = await licensePool(ctx.db, auth.tenant.id, skuId);
  const available = pool ? Math.max(0, pool.total - pool.assigned) : 0;
  return ok({ product, missing: Math.max(0, job.rowsReady - available), rowsReady: job.rowsReady, available, fileName: job.fileName });
}
