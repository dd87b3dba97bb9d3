import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { ok, type Result } from '../result.js';
import { activeUserRecordsByIds } from '../../store/directory-users.js';
import type { DirectoryUserRecord } from '../../domain/directory-user.js';
import { searchUserIds } from '../../store/user-search.js';

export const FIND_LIMIT = 20;

/**
 * Users matching what someone typed, for `/users find` and the type-ahead of every user picker:
 * every word typed starts a word of the display name, the username or the alias (any case, accents
 * ignored). Ranked: the exact username or alias first, then by display name. Served by the
 * UserSearchTerm index (src/store/user-search.ts), so it stays fast at 100,000 users.
 */
export async function findUsers(ctx: CoreContext, actor: Actor, text: string, limit = FIND_LIMIT): Promise<Result<{ users: DirectoryUserRecord[] }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const query = text.trim().slice(0, 200);
  if (!query) return ok({ users: [] });
  const ids = await searchUserIds(ctx.db, auth.tenant.id, query, Math.min(Math.max(limit, 1), 100));
  // The search's ranking, kept: the records come back in any order.
  const byId = new Map((await activeUserRecordsByIds(ctx.db, auth.tenant.id, ids)).map((user) => [user.id, user]));
  return ok({ users: ids.flatMap((id) => byId.get(id) ?? []) });
}
