import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { CoreFailure, fail, invalidFields, ok, type FieldError, type Result } from '../result.js';
import { transactionOrDryRun } from '../dry-run.js';
import { writeAudit } from '../../store/audit.js';
import { countCustomViews, customViewById, customViewByName, insertCustomView, updateCustomView } from '../../store/custom-views.js';
import { allDomains } from '../../store/organizations.js';
import { licensePools } from '../../store/seat-ledger.js';
import { UniqueViolation } from '../../store/errors.js';
import { activeUserByUpn } from '../../store/directory-users.js';
import { CONDITION_LABELS, hasAnyCondition, STANDARD_VIEWS, viewConditionsSchema, type ConditionName, type ViewConditions } from './view-conditions.js';

/** The admin center's limit of custom views per organization. */
export const MAX_CUSTOM_VIEWS = 50;
export const MAX_VIEW_NAME = 64;

export interface CustomViewInput {
  /** The view to change; none to make a new one. */
  id?: string;
  name: string;
  conditions: Partial<Record<ConditionName, string | boolean | undefined>>;
}

/** Trims text conditions and drops the empty ones; unchecked boxes are no condition. */
function cleaned(raw: CustomViewInput['conditions']): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === true) out[name] = true;
    else if (typeof value === 'string' && value.trim())
      out[name] = name === 'usageLocation' ? value.trim().toUpperCase() : name === 'domain' || name === 'manager' ? value.trim().toLowerCase() : value.trim();
  }
  return out;
}

/**
 * Creates or changes a custom view (Global and User admins: `manage_views`). Problems come back on
 * their fields: the name (empty, too long, taken, the 51st view), a condition that cannot hold
 * (a domain or product the organization does not have), or no condition at all. `dryRun`
 * rehearses it (rolled back), name and limit checks included.
 */
export async function saveCustomView(
  ctx: CoreContext,
  actor: Actor,
  input: CustomViewInput,
  options: { dryRun?: boolean } = {},
): Promise<Result<{ id: string; name: string; created: boolean }>> {
  const auth = await authorize(ctx, actor, 'manage_views');
  if (!auth.ok) return auth;
  const tenantId = auth.tenant.id;
  const name = input.name.trim().replace(/\s+/g, ' ');
  const problems: FieldError[] = [];
  if (!name) problems.push({ field: 'name', message: 'Give the view a name.' });
  else if (name.length > MAX_VIEW_NAME) problems.push({ field: 'name', message: `The name is ${name.length} characters; the most is ${MAX_VIEW_NAME}.` });
  else if (STANDARD_VIEWS.some((view) => view.name.toLowerCase() === name.toLowerCase()))
    // `/users list <name>` would open the standard view, never this one.
    problems.push({ field: 'name', message: `"${name}" is a standard view's name; choose another name.` });
  const parsed = viewConditionsSchema.safeParse(cleaned(input.conditions));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'conditions');
      const label = CONDITION_LABELS[field as ConditionName] ?? field;
      problems.push({ field, message: field === 'usageLocation' ? 'Choose a usage location from the list.' : `${label}: ${issue.message}.` });
    }
  }
  const conditions: ViewConditions = parsed.success ? parsed.data : {};
  if (parsed.success && !hasAnyCondition(conditions)) {
    problems.push({ field: 'conditions', message: 'Choose at least one condition: a view with none would be All users.' });
  }
  if (conditions.domain && !(await allDomains(ctx.db, tenantId)).includes(conditions.domain)) {
    problems.push({ field: 'domain', message: `${conditions.domain} is not a domain of ${auth.tenant.name}.` });
  }
  if (conditions.manager && !(await activeUserByUpn(ctx.db, tenantId, conditions.manager)))
    problems.push({ field: 'manager', message: `No user ${conditions.manager} in ${auth.tenant.name}: give the manager's full username.` });
  if (conditions.skuId && !(await licensePools(ctx.db, tenantId)).some((pool) => pool.skuId === conditions.skuId)) {
    problems.push({
      field: 'skuId',
      message: `${auth.tenant.name} has no ${productBySkuId(conditions.skuId)?.displayName ?? 'such product'} licenses; choose one it owns.`,
    });
  }
  if (problems.length > 0) return invalidFields(problems);
  const now = ctx.now();
  const nameTaken = () =>
    new CoreFailure(
      fail('conflict', `There is already a view named "${name}".`, [
        { field: 'name', message: `There is already a view named "${name}"; choose another name.` },
      ]),
    );
  const saved = await transactionOrDryRun(ctx, !!options.dryRun, async (tx) => {
    const sameName = await customViewByName(tx, tenantId, name);
    if (sameName && sameName.id !== input.id) throw nameTaken();
    let id = input.id;
    if (id) {
      if (!(await customViewById(tx, tenantId, id)))
        throw new CoreFailure(fail('not_found', 'This view has been deleted meanwhile; make it again with New view.'));
      await updateCustomView(tx, tenantId, id, { name, conditions }, now);
    } else {
      if ((await countCustomViews(tx, tenantId)) >= MAX_CUSTOM_VIEWS) {
        throw new CoreFailure(
          fail('limit_exceeded', `${auth.tenant.name} already has ${MAX_CUSTOM_VIEWS} custom views, the most there can be.`, [
            { field: 'name', message: `There can be at most ${MAX_CUSTOM_VIEWS} custom views; delete one first.` },
          ]),
        );
      }
      try {
        id = await insertCustomView(tx, { tenantId, name, conditions, createdBy: auth.actorId }, now);
      } catch (error) {
        if (error instanceof UniqueViolation) throw nameTaken();
        throw error;
      }
    }
    await writeAudit(
      tx,
      {
        tenantId,
        actor: auth.actorId,
        action: input.id ? 'view.update' : 'view.create',
        targetType: 'view',
        targetId: id,
        changedFields: ['name', ...Object.keys(conditions)],
        summary: `${input.id ? 'Changed' : 'Made'} the view "${name}"`,
      },
      now,
    );
    return id;
  });
  if (!saved.ok) return saved;
  if (!options.dryRun) reportChange(ctx, auth.tenant, 'organization', actor);
  return ok({ id: saved.value, name, created: !input.id });
}
