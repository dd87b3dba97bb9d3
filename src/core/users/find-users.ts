import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { ok, type Result } from '../result.js';
import { activeUsersStartingWith, type DirectoryUserRecord } from '../../store/directory-users.js';

export const FIND_LIMIT = 20;

/**
 * Users matching what someone typed, for `/users find` and the type-ahead of every user picker.
 * Today: username or display name starting with the text. (Issue "Find and list users at
 * 100,000" makes it the start of any word, ranked, on an index.)
 */
export async function findUsers(ctx: CoreContext, actor: Actor, text: string, limit = FIND_LIMIT): Promise<Result<{ users: DirectoryUserRecord[] }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const query = text.trim();
  if (!query) return ok({ users: [] });
  return ok({ users: await activeUsersStartingWith(ctx.db, auth.tenant.id, query, Math.min(limit, 100)) });
}
