import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { licenseCounts, type LicenseCount } from '../licenses/list-licenses.js';
import { ok, type Result } from '../result.js';

/**
 * What the Edit many form offers: the products the organization owns. Any admin may open it; what
 * each change needs (edit users, assign licenses, usage location) is checked when it is submitted.
 */
export async function editManyFormOptions(ctx: CoreContext, actor: Actor): Promise<Result<{ licenses: LicenseCount[] }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  return ok({ licenses: await licenseCounts(ctx, auth.tenant.id) });
}
