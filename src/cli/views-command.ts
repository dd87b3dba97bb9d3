import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import type { Actor, CoreContext } from '../core/context.js';
import { findUsersListed } from '../core/views/find-listed.js';
import { exportUsers } from '../core/views/export-users.js';
import { listUsers } from '../core/views/list-users.js';
import type { Print } from './import-command.js';

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

/** `roster export [view] --out <file>`: the view as CSV, written chunk by chunk (mode 0600, never overwriting without --force). */
export async function exportCommand(ctx: CoreContext, actor: Actor, view: string, out: string, force: boolean, print: Print): Promise<number> {
  if (existsSync(out) && !force) {
    print(`error: ${out} already exists; choose another --out, or add --force to replace it.`);
    return 1;
  }
  const result = await exportUsers(ctx, actor, view);
  if (!result.ok) {
    print(`error: ${result.message}`);
    return 1;
  }
  const file = createWriteStream(out, { mode: 0o600 });
  let rows = 0;
  for await (const chunk of result.chunks()) {
    rows += chunk.rows;
    if (!file.write(chunk.text)) await once(file, 'drain');
  }
  file.end();
  await once(file, 'finish');
  print(`${result.view.name}: ${rows} users written to ${out}`);
  return 0;
}
