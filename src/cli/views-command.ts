import type { Actor, CoreContext } from '../core/context.js';
import { findUsersListed } from '../core/views/find-listed.js';
import { exportUsers } from '../core/views/export-users.js';
import { listUsers } from '../core/views/list-users.js';
import type { Print } from './import-command.js';
import { FileExistsError, writePrivateFileFrom } from './private-file.js';

/** `roster list [view]`: every user of a view, one line each, paged through the same keyset query as Slack. */
export async function listCommand(ctx: CoreContext, actor: Actor, view: string, print: Print): Promise<number> {
  let after: { displayName: string; id: string } | undefined;
  for (;;) {
    const result = await listUsers(ctx, actor, { view, ...(after ? { after } : {}), limit: 100 });
    if (!result.ok) {
      print(`error: ${result.message}`);
      return 1;
    }
    for (const u of result.page.rows)
      print(
        `${u.displayName}\t${u.userPrincipalName}\t${u.accountEnabled ? 'sign-in allowed' : 'sign-in blocked'}${u.licenseError ? `\t${u.licenseError}` : ''}`,
      );
    const last = result.page.rows.at(-1);
    if (!result.page.hasNext || !last) return 0;
    after = { displayName: last.displayName, id: last.id };
  }
}

/** `roster find <text>`: the ranked matches, as `/users find` shows them. */
export async function findCommand(ctx: CoreContext, actor: Actor, text: string, print: Print): Promise<number> {
  const result = await findUsersListed(ctx, actor, text);
  if (!result.ok) {
    print(`error: ${result.message}`);
    return 1;
  }
  for (const u of result.users) print(`${u.displayName}\t${u.userPrincipalName}`);
  return 0;
}

/**
 * `roster export [view] --out <file>`: the view as CSV, written chunk by chunk into a private file
 * (mode 0600, never through a symbolic link, never over an existing file without --force, and then
 * replaced atomically), as the import's results are.
 */
export async function exportCommand(ctx: CoreContext, actor: Actor, view: string, out: string, force: boolean, print: Print): Promise<number> {
  const result = await exportUsers(ctx, actor, view);
  if (!result.ok) {
    print(`error: ${result.message}`);
    return 1;
  }
  const { chunks } = result;
  let rows = 0;
  async function* texts() {
    for await (const chunk of chunks()) {
      rows += chunk.rows;
      yield chunk.text;
    }
  }
  try {
    await writePrivateFileFrom(out, texts(), { force });
  } catch (error) {
    if (!(error instanceof FileExistsError)) throw error;
    print(`error: ${error.message}`);
    return 1;
  }
  print(`${result.view.name}: ${rows} users written to ${out}`);
  return 0;
}
