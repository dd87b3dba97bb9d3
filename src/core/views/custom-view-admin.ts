import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { fail, ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { transaction } from '../transaction.js';
import { writeAudit } from '../../store/audit.js';
import { customViewById, customViews, deleteCustomView as deleteView } from '../../store/custom-views.js';
import { licenseCounts } from '../licenses/list-licenses.js';
import { allDomains } from '../../store/organizations.js';
import { parseConditions, type ViewConditions } from './view-conditions.js';

export interface CustomViewSummary {
  id: string;
  name: string;
  conditions: ViewConditions;
}

/** The organization's custom views (any admin role sees them; Global and User admins may change them). */
export async function listCustomViews(
  ctx: CoreContext,
  actor: Actor,
): Promise<Result<{ views: CustomViewSummary[]; canManage: boolean; organizationName: string }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const views = (await customViews(ctx.db, auth.tenant.id)).map((v) => ({ id: v.id, name: v.name, conditions: parseConditions(v.conditions) ?? {} }));
  return ok({ views, canManage: hasPermission(auth.roles, 'manage_views'), organizationName: auth.tenant.name });
}

/** One custom view, to edit it (`manage_views`). */
export async function customViewForEdit(ctx: CoreContext, actor: Actor, id: string): Promise<Result<{ view: CustomViewSummary }>> {
  const auth = await authorize(ctx, actor, 'manage_views');
  if (!auth.ok) return auth;
  const view = await customViewById(ctx.db, auth.tenant.id, id);
  if (!view) return fail('not_found', 'This view has been deleted.');
  return ok({ view: { id: view.id, name: view.name, conditions: parseConditions(view.conditions) ?? {} } });
}

/** Deletes a custom view (`manage_views`); standard views cannot be deleted. */
export async function deleteCustomView(ctx: CoreContext, actor: Actor, id: string): Promise<Result<{ name: string }>> {
  const auth = await authorize(ctx, actor, 'manage_views');
  if (!auth.ok) return auth;
  if (id.startsWith('std:')) return fail('unsupported', 'Standard views cannot be deleted.');
  const tenantId = auth.tenant.id;
  const now = ctx.now();
  const deleted = await transaction(ctx, async (tx) => {
    const view = await customViewById(tx, tenantId, id);
    if (!view || !(await deleteView(tx, tenantId, id))) return null;
    await writeAudit(
      tx,
      { tenantId, actor: auth.actorId, action: 'view.delete', targetType: 'view', targetId: id, summary: `Deleted the view "${view.name}"` },
      now,
    );
    return view.name;
  });
  if (!deleted.ok) return deleted;
  if (deleted.value === null) return fail('not_found', 'This view was already deleted.');
  reportChange(ctx, auth.tenant, 'organization', actor);
  return ok({ name: deleted.value });
}

/** What the custom view form offers: the organization's domains and the products it owns. */
export async function customViewFormOptions(
  ctx: CoreContext,
  actor: Actor,
): Promise<Result<{ domains: string[]; products: { skuId: string; name: string }[] }>> {
  const auth = await authorize(ctx, actor, 'manage_views');
  if (!auth.ok) return auth;
  const [domains, counts] = await Promise.all([allDomains(ctx.db, auth.tenant.id), licenseCounts(ctx, auth.tenant.id)]);
  return ok({ domains, products: counts.map((c) => ({ skuId: c.product.skuId, name: c.product.displayName })) });
}
