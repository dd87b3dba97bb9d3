import type { Actor, CoreContext } from '../core/context.js';
import { showUser } from '../core/users/show-user.js';

/**
 * The usernames the user arguments name, in the same forms everywhere: a full username, or the
 * part before the @ when one user has it (as `users block ana` takes). A name that names no one, or
 * several, is passed on as typed, so the use case reports it beside the others. Only names without
 * an @ are looked up, one at a time.
 */
export async function fullUsernames(ctx: CoreContext, actor: Actor, names: readonly string[]): Promise<string[]> {
  const full: string[] = [];
  for (const name of names) {
    if (name.includes('@')) full.push(name);
    else {
      const found = await showUser(ctx, actor, name);
      full.push(found.ok ? found.user.userPrincipalName : name);
    }
  }
  return full;
}
