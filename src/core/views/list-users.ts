import { withStarts } from '../schedules/onboarding.js';
import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { ok, type Result } from '../result.js';
import { hasPermission } from '../roles.js';
import { countUsers, listUsersPage, type Cursor, type UserPage } from '../../store/user-views.js';
import { resolveView, viewChoices, type ResolvedView } from './resolve-view.js';

/** Rows per page: two checkbox blocks of 10 (Block Kit's limit per element) and well under 50 blocks. */
export const PAGE_SIZE = 20;
/**
 * A view's size is counted up to this (counting 100,000 filtered rows for every page is not free);
 * beyond it the list says "more than 100". All users, which needs no filter, is counted in full.
 */
export const COUNT_CAP = 100;

export interface UserListPage {
  view: ResolvedView;
  page: UserPage;
  total: { count: number; capped: boolean };
  views: Awaited<ReturnType<typeof viewChoices>>;
  can: { manageViews: boolean };
}

/**
 * A page of a view, sorted by display name, for any admin role. `after` gives the next page,
 * `before` the previous one (keyset paging: right even when users come and go between pages).
 */
export async function listUsers(
  ctx: CoreContext,
  actor: Actor,
  input: { view?: string; after?: Cursor; before?: Cursor; limit?: number },
): Promise<Result<UserListPage>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const resolved = await resolveView(ctx.db, auth.tenant.id, input.view ?? '');
  if (!resolved.ok) return resolved;
  const { view } = resolved;
  const limit = Math.min(Math.max(input.limit ?? PAGE_SIZE, 1), 100);
  const [page, total, views] = await Promise.all([
    listUsersPage(ctx.db, auth.tenant.id, view.filter, {
      ...(input.after ? { after: input.after } : {}),
      ...(input.before ? { before: input.before } : {}),
      limit,
    }),
    countUsers(ctx.db, auth.tenant.id, view.filter, Object.keys(view.filter).length === 0 ? Number.MAX_SAFE_INTEGER : COUNT_CAP),
    viewChoices(ctx.db, auth.tenant.id),
  ]);
  return ok({
    view,
    page: { ...page, rows: await withStarts(ctx.db, page.rows) },
    total,
    views,
    can: { manageViews: hasPermission(auth.roles, 'manage_views') },
  });
}
