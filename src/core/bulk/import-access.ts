import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { ok, type Result } from '../result.js';

/**
 * Whether the actor may have files verified (any admin role may see a preview; starting the import
 * needs more, checked by startImport). Asked before a file is downloaded or a form opened.
 */
export async function mayPreviewImports(ctx: CoreContext, actor: Actor): Promise<Result<{ organizationName: string }>> {
  const auth = await authorize(ctx, actor, 'read');
  return auth.ok ? ok({ organizationName: auth.tenant.name }) : auth;
}
