import { withStarts } from '../schedules/onboarding.js';
import type { Actor, CoreContext } from '../context.js';
import { ok, type Result } from '../result.js';
import { FIND_LIMIT, findUsers } from '../users/find-users.js';
import type { ListedUser } from '../../domain/listed-user.js';
import { listRowsByIds } from '../../store/user-views.js';

/** `/users find <text>`: the ranked matches of findUsers, as list rows (licenses, sign-in, errors). */
export async function findUsersListed(
  ctx: CoreContext,
  actor: Actor,
  text: string,
  limit = FIND_LIMIT,
): Promise<Result<{ users: ListedUser[]; limit: number }>> {
  const found = await findUsers(ctx, actor, text, limit);
  if (!found.ok) return found;
  return ok({
    users: await withStarts(
      ctx.db,
      await listRowsByIds(
        ctx.db,
        found.users.map((u) => u.id),
      ),
    ),
    limit,
  });
}
