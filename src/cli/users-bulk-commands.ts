import type { CoreContext, OperatorActor } from '../core/context.js';
import type { JobRunner } from '../core/jobs/job-runner.js';
import { fail, ok, type Result } from '../core/result.js';
import { MAX_BULK_USERS, type BulkAction, type BulkActionInput } from '../core/users/bulk-action-input.js';
import { BULK_ACTION_JOB, bulkActionJobResult, queueBulkAction, runBulkActionJob, type PasswordKeeper } from '../core/users/bulk-action-job.js';
import { previewBulkAction, type BulkResult } from '../core/users/bulk-actions.js';
import { parseUsernameList } from '../core/users/edit-many.js';
import { cliSentence, EXIT, readInput, refuse, usageError } from './cli-kit.js';
import type { CommandRun, CommandSpec, OptionSpec } from './command-tree.js';
import { RowWriter } from './output.js';

/** Each action's words at the command line: its command, what it does, and how a done or refused user is listed. */
const WORDS: Record<BulkAction, { command: string; summary: string; done: string; notDone: string; verb: string }> = {
  reset_password: {
    command: 'reset-many',
    summary: 'reset the passwords of the users in a file: one generated password each, printed once',
    done: 'reset',
    notDone: 'not reset',
    verb: 'reset the passwords of',
  },
  block: { command: 'block-many', summary: 'block sign-in for the users in a file', done: 'blocked', notDone: 'not blocked', verb: 'block' },
  unblock: {
    command: 'unblock-many',
    summary: 'allow sign-in again for the users in a file',
    done: 'allowed',
    notDone: 'not allowed',
    verb: 'allow sign-in for',
  },
  delete: {
    command: 'delete-many',
    summary: 'delete the users in a file (kept 30 days; their licenses are freed and remembered)',
    done: 'deleted',
    notDone: 'not deleted',
    verb: 'delete',
  },
  restore: {
    command: 'restore-many',
    summary: 'restore the deleted users in a file under their usernames, each with a new password printed once',
    done: 'restored',
    notDone: 'not restored',
    verb: 'restore',
  },
};

const makesPasswords = (action: BulkAction) => action === 'reset_password' || action === 'restore';

async function bulk(run: CommandRun, action: BulkAction): Promise<number> {
  const { values } = run;
  const words = WORDS[action];
  const file = typeof values.file === 'string' ? values.file : '';
  if (!file) return usageError(run.problem, '--file <usernames.txt> is required', `See \`roster users ${words.command} --help\`.`);
  const dryRun = values['dry-run'] === true;
  const usernames = parseUsernameList(readInput(file));
  // As `users purge` has the username typed again, a bulk action has the number of users it names.
  const confirm = typeof values.confirm === 'string' ? values.confirm.trim() : undefined;
  if (confirm !== undefined && confirm !== String(usernames.length))
    return usageError(
      run.problem,
      `--confirm ${confirm}, but ${file === '-' ? 'the input' : file} names ${usernames.length} user${usernames.length === 1 ? '' : 's'}`,
      `Check the file, then run again with --confirm ${usernames.length}.`,
    );
  const confirmed = confirm !== undefined;
  const input: BulkActionInput = {
    action,
    users: { usernames },
    ...(action === 'reset_password' ? { options: { requirePasswordChange: values['no-require-change'] !== true } } : {}),
  };
  const passwords = new Map<string, string>();
  const result = dryRun || !confirmed ? await previewBulkAction(run.ctx, run.actor, input) : await bulkHere(run.ctx, run.jobs, run.actor, input, passwords);
  if (!result.ok) return refuse(run.problem, result, { users: '--file', credentialRecipients: '--file' });
  const rehearsal = dryRun || !confirmed;
  printOutcomes(run, result, passwords, rehearsal);
  const refused = result.outcomes.filter((o) => !o.done).length;
  if (!rehearsal && refused > 0) run.problem(`${refused} of ${result.outcomes.length} users ${words.notDone}.`);
  if (!dryRun && !confirmed) {
    const count = result.outcomes.filter((o) => o.done).length;
    run.problem(
      `Nothing was changed. To ${words.verb} ${count === 1 ? 'this user' : `these ${count} users`}, run again with --confirm ${usernames.length} (the number of users the file names).`,
    );
    return EXIT.usage;
  }
  return refused > 0 ? EXIT.refused : EXIT.done;
}

/** Every user's outcome: text lines (refusals on standard error, as `users delete`), or rows of the documented fields. */
function printOutcomes(run: CommandRun, result: BulkResult, passwords: ReadonlyMap<string, string>, rehearsal: boolean): void {
  const words = WORDS[result.action];
  const withPasswords = makesPasswords(result.action) && !rehearsal;
  const prefix = rehearsal ? '(dry run) ' : '';
  if (run.format === 'text') {
    for (const o of result.outcomes) {
      if (!o.done) run.problem(`${words.notDone.padEnd(13)}${o.name}: ${cliSentence(o.reason ?? '')}`);
      else {
        const password = withPasswords ? passwords.get(o.name) : undefined;
        const extra = [password ? `temporary password (shown once): ${password}` : '', o.note ?? ''].filter(Boolean).join('; ');
        run.print(`${prefix}${words.done.padEnd(13)}${o.name}${extra ? `  ${extra}` : ''}`);
      }
    }
    return;
  }
  const fields = ['userPrincipalName', 'done', 'reason', 'note', ...(makesPasswords(result.action) ? ['temporaryPassword'] : [])];
  const rows = new RowWriter(run.format, fields, run.write, () => '');
  rows.rows(
    result.outcomes.map((o) => ({
      userPrincipalName: o.name,
      done: o.done,
      reason: o.reason ? cliSentence(o.reason) : null,
      note: o.note,
      ...(makesPasswords(result.action) ? { temporaryPassword: withPasswords && o.done ? (passwords.get(o.name) ?? null) : null } : {}),
    })),
  );
  rows.end();
}

/**
 * A confirmed bulk action from the command line is a job on this process's own queue, run here, as
 * Edit many: a user per step, listed by `roster jobs`. The new passwords are kept in memory (never
 * stored, never logged) for the output.
 */
async function bulkHere(
  ctx: CoreContext,
  jobs: JobRunner,
  actor: OperatorActor,
  input: BulkActionInput,
  passwords: Map<string, string>,
): Promise<Result<BulkResult>> {
  const queued = await queueBulkAction(ctx, actor, input, { queue: `cli:${ctx.instanceId}` });
  if (!queued.ok) return queued;
  const keep: PasswordKeeper = async (_tx, notice) => {
    passwords.set(notice.userPrincipalName, notice.temporaryPassword);
    return [];
  };
  jobs.register({ kind: BULK_ACTION_JOB[input.action], run: (job) => runBulkActionJob(ctx, job, keep) });
  const ended = await jobs.runNow(queued.jobId);
  if (ended.status !== 'succeeded') return fail('conflict', `The bulk action stopped (${ended.status}): ${ended.error ?? 'see roster jobs'}.`);
  return ok(await bulkActionJobResult(ctx, queued.jobId));
}

const COMMON: Record<string, OptionSpec> = {
  file: { type: 'string', value: '<file|->', help: `the usernames, one a line or comma separated (- for standard input); at most ${MAX_BULK_USERS}` },
  confirm: {
    type: 'string',
    value: '<count>',
    help: 'do it: the number of users the file names (without it, the command shows who would be done and who not, and changes nothing)',
  },
};

function spec(action: BulkAction, options: Record<string, OptionSpec>, examples: string[], details: string): CommandSpec {
  const words = WORDS[action];
  return {
    path: ['users', words.command],
    summary: words.summary,
    args: '--file <usernames.txt> --confirm <count>',
    positionals: { min: 0, max: 0 },
    details: `${details} Each user is judged on their own, by the rules of the single command; one refused does not stop the others. Exit 1 when some were refused.`,
    options: { ...COMMON, ...options },
    dryRun: true,
    output: true,
    examples,
    run: (run) => bulk(run, action),
  };
}

export const USERS_BULK_COMMANDS: CommandSpec[] = [
  spec(
    'reset_password',
    { 'no-require-change': { type: 'boolean', help: 'do not ask for a new password at the next sign-in' } },
    [
      'roster users reset-many --file people.txt   # who would be reset, and the --confirm to give',
      'roster users reset-many --file people.txt --confirm 12 --output csv > passwords.csv',
    ],
    'Each user gets a generated temporary password, printed once to standard output (with --output json or csv, in the temporaryPassword field).',
  ),
  spec(
    'block',
    {},
    ['roster users block-many --file leavers.txt --confirm 3'],
    'Nobody blocks themselves or the last Global admin who can sign in; it can take up to about an hour to reach every device.',
  ),
  spec('unblock', {}, ['echo "ana,bo" | roster users unblock-many --file - --confirm 2'], 'Blocked users can sign in again.'),
  spec(
    'delete',
    {},
    ['roster users delete-many --file leavers.txt', 'roster users delete-many --file leavers.txt --confirm 3'],
    'Their licenses are freed and remembered; they are kept 30 days as deleted (restore-many brings them back).',
  ),
  spec(
    'restore',
    {},
    ['roster users restore-many --file leavers.txt --confirm 3'],
    'Each comes back under the username they had with a new temporary password (printed once) and their licenses where seats allow; one whose username was taken meanwhile is refused (restore it alone with --alias).',
  ),
];
