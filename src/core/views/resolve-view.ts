import { fail, ok, type Result } from '../result.js';
import { customViewById, customViewByName, customViews } from '../../store/custom-views.js';
import type { Db } from '../../store/database.js';
import type { UserFilter } from '../../store/user-views.js';
import { parseConditions, STANDARD_VIEWS } from './view-conditions.js';

/**
 * A view as a list shows it. `ref` is how buttons and menus name it: `std:<key>` for a standard
 * view, `cv:<id>` for a custom one.
 */
export interface ResolvedView {
  ref: string;
  name: string;
  filter: UserFilter;
  custom: boolean;
}

export const DEFAULT_VIEW_REF = 'std:all';

/**
 * The view named by a ref (from a button or menu) or by what someone typed: a standard view's name
 * or key ("licensed users", "guests"), or a custom view's name. Empty means All users.
 */
export async function resolveView(db: Db, tenantId: string, text: string): Promise<Result<{ view: ResolvedView }>> {
  const wanted = text.trim() || DEFAULT_VIEW_REF;
  if (wanted.startsWith('cv:')) {
    const view = await customViewById(db, tenantId, wanted.slice(3));
    if (!view) return fail('not_found', 'That custom view has been deleted. Pick another view, or run `/users views` to see them.');
    return customResolved(view);
  }
  const key = wanted.startsWith('std:') ? wanted.slice(4) : wanted.toLowerCase().replace(/\s+/g, ' ');
  const standard = STANDARD_VIEWS.find((v) => v.key === key || v.name.toLowerCase() === key || v.key === key.replace(/[ -]/g, '_'));
  if (standard) return ok({ view: { ref: `std:${standard.key}`, name: standard.name, filter: standard.filter, custom: false } });
  const custom = await customViewByName(db, tenantId, wanted);
  if (custom) return customResolved(custom);
  return fail(
    'not_found',
    `There is no view named "${wanted}". Standard views: ${STANDARD_VIEWS.map((v) => v.name).join(', ')}; custom views: \`/users views\`.`,
  );
}

function customResolved(view: { id: string; name: string; conditions: unknown }): Result<{ view: ResolvedView }> {
  const conditions = parseConditions(view.conditions);
  if (!conditions) return fail('conflict', `The custom view "${view.name}" could not be read; edit it in \`/users views\` and save it again.`);
  return ok({ view: { ref: `cv:${view.id}`, name: view.name, filter: conditions, custom: true } });
}

/** Every view of an organization, standard ones first, for the view menu. */
export async function viewChoices(db: Db, tenantId: string): Promise<{ standard: { ref: string; name: string }[]; custom: { ref: string; name: string }[] }> {
  return {
    standard: STANDARD_VIEWS.map((v) => ({ ref: `std:${v.key}`, name: v.name })),
    custom: (await customViews(db, tenantId)).map((v) => ({ ref: `cv:${v.id}`, name: v.name })),
  };
}
