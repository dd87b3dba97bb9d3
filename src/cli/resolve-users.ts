import type { Actor, CoreContext } from '../core/context.js';
import { showUser } from '../core/users/show-user.js';

/**
 * The usernames the user arguments name, in the same forms everywhere: a full username, or the
 * part before the @ when one user has it (as `users block ana` takes). A name that names no one, or
 * several, is passed on as typed, so the use case reports it beside the others.
 */
export async function fullUsernames(ctx: CoreContext, actor: Actor, names: readonly string[]): Promise<string[]> {
  return Promise.all(
    names.map(async (name) => {
      if (name.includes('@')) return name;
      const found = await showUser(ctx, actor, name);
      return found.ok ? found.user.userPrincipalName : name;
    }),
  );
}
