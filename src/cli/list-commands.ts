import { exportUsers } from '../core/views/export-users.js';
import { findUsersListed } from '../core/views/find-listed.js';
import { listUsers } from '../core/views/list-users.js';
import { EXIT, refuse } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { RowWriter } from './output.js';
import { FileExistsError, writePrivateFileFrom } from './private-file.js';

const USER_FIELDS = ['displayName', 'userPrincipalName', 'signInAllowed', 'licenseError'];
const userLine = (r: Record<string, unknown>) =>
  `${r.displayName}\t${r.userPrincipalName}\t${r.signInAllowed ? 'sign-in allowed' : 'sign-in blocked'}${r.licenseError ? `\t${r.licenseError}` : ''}`;

/** `roster list [view]`: every user of a view, one line each, paged through the same keyset query as Slack. */
async function list(run: CommandRun): Promise<number> {
  const rows = new RowWriter(run.format, USER_FIELDS, run.write, userLine);
  let after: { displayName: string; id: string } | undefined;
  for (;;) {
    const result = await listUsers(run.ctx, run.actor, { view: run.args.join(' '), ...(after ? { after } : {}), limit: 100 });
    if (!result.ok) return refuse(run.problem, result);
    rows.rows(
      result.page.rows.map((u) => ({
        displayName: u.displayName,
        userPrincipalName: u.userPrincipalName,
        signInAllowed: u.accountEnabled,
        licenseError: u.licenseError ?? null,
      })),
    );
    const last = result.page.rows.at(-1);
    if (!result.page.hasNext || !last) break;
    after = { displayName: last.displayName, id: last.id };
  }
  rows.end();
  return EXIT.done;
}

/** `roster find <text>`: the ranked matches, as `/users find` shows them. */
async function find(run: CommandRun): Promise<number> {
  const result = await findUsersListed(run.ctx, run.actor, run.args.join(' '));
  if (!result.ok) return refuse(run.problem, result);
  const rows = new RowWriter(run.format, ['displayName', 'userPrincipalName'], run.write, (r) => `${r.displayName}\t${r.userPrincipalName}`);
  rows.rows(result.users.map((u) => ({ displayName: u.displayName, userPrincipalName: u.userPrincipalName })));
  rows.end();
  return EXIT.done;
}

/**
 * `roster export [view] --out <file>`: the view as CSV, written chunk by chunk into a private file
 * (mode 0600, never through a symbolic link, never over an existing file without --force, and then
 * replaced atomically), as the import's results are; `--out -` writes it to standard output.
 */
async function exportView(run: CommandRun): Promise<number> {
  const out = String(run.values.out);
  const result = await exportUsers(run.ctx, run.actor, run.args.join(' '));
  if (!result.ok) return refuse(run.problem, result);
  const { chunks } = result;
  let rows = 0;
  async function* texts() {
    for await (const chunk of chunks()) {
      rows += chunk.rows;
      yield chunk.text;
    }
  }
  if (out === '-') {
    for await (const text of texts()) run.write(text);
    run.problem(`${result.view.name}: ${rows} users written to standard output`);
    return EXIT.done;
  }
  try {
    await writePrivateFileFrom(out, texts(), { force: run.values.force === true });
  } catch (error) {
    if (!(error instanceof FileExistsError)) throw error;
    return refuse(run.problem, { code: 'conflict', message: error.message });
  }
  run.print(`${result.view.name}: ${rows} users written to ${out}`);
  return EXIT.done;
}

const VIEW = 'a standard view (All users, Licensed users, Sign-in blocked, …) or a custom one; default All users';

export const LIST_COMMANDS: CommandSpec[] = [
  {
    path: ['list'],
    summary: 'every user of a view, by display name',
    args: '[view]',
    positionals: { min: 0, max: 1 },
    details: `[view] is ${VIEW}.`,
    output: true,
    examples: ['roster list', 'roster list "sign-in blocked" --output csv'],
    run: list,
  },
  {
    path: ['find'],
    summary: 'users whose name, username or alias starts with the text',
    args: '<text>',
    positionals: { min: 1, max: 1 },
    output: true,
    examples: ['roster find ana', 'roster find "ana m" --output json'],
    run: find,
  },
  {
    path: ['export'],
    summary: 'a view as CSV, with the admin center columns, into a private file (or - for standard output)',
    args: '[view] --out <file.csv|->',
    positionals: { min: 0, max: 1 },
    details: `[view] is ${VIEW}. The file is created readable only by you, never through a symbolic link.`,
    options: {
      out: { type: 'string', value: '<file.csv|->', help: 'where to write (- for standard output); required' },
      force: { type: 'boolean', help: 'replace an existing file' },
    },
    required: ['out'],
    examples: ['roster export "licensed users" --out licensed.csv', 'roster export --out - | head'],
    run: exportView,
  },
];
