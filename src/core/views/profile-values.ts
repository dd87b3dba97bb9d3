import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { ok, type Result } from '../result.js';
import { profileValuesInUse } from '../../store/user-views.js';
import type { TEXT_CONDITIONS } from './view-conditions.js';

/** Values offered at once as someone types in the custom view form (Slack shows at most 100). */
export const VALUES_OFFERED = 50;

/**
 * The values the organization's users have for a profile condition (department, city, state,
 * country, job title), starting with what was typed (any case): what the custom view form offers.
 */
export async function profileValuesFor(
  ctx: CoreContext,
  actor: Actor,
  field: (typeof TEXT_CONDITIONS)[number],
  typed: string,
): Promise<Result<{ values: string[] }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  return ok({ values: await profileValuesInUse(ctx.db, auth.tenant.id, field, typed.slice(0, 128), VALUES_OFFERED) });
}
