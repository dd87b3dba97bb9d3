import { readFileSync } from 'node:fs';
import type { CoreContext, OperatorActor } from '../core/context.js';
import { findProduct } from '../core/catalogue/find-product.js';
import { blockUser, unblockUser } from '../core/users/block-user.js';
import { editManyResultsCsv, editManyUsers, parseUsernameList, type EditManyInput, type EditManyResult } from '../core/users/edit-many.js';
import { EDIT_MANY_JOB, editManyJobResult, queueEditMany, runEditManyJob } from '../core/users/edit-many-job.js';
import type { JobRunner } from '../core/jobs/job-runner.js';
import { editUser } from '../core/users/edit-user.js';
import type { EditUserInput } from '../core/users/edit-user-input.js';
import { markUserSynced } from '../core/users/mark-synced.js';
import { resetPassword } from '../core/users/reset-password.js';
import { fail, ok, type CoreError, type Result } from '../core/result.js';
import { PROFILE_FIELD_NAMES } from '../core/rules/profile-fields.js';
import { FileExistsError, writePrivateFile } from './private-file.js';

export const USERS_USAGE = `  users edit <username> [--display-name ..] [--first-name ..] [--last-name ..] [--job-title ..] [--department ..]
             [--office-number ..] [--office-phone ..] [--mobile-phone ..] [--fax ..] [--address ..] [--city ..] [--state ..]
             [--postal-code ..] [--country ..] [--usage-location XX] [--add-license <product>] [--remove-license <product>] [--dry-run]
                        change only the fields given (an empty value clears a field); licenses by part number or name
  users edit-many --file <usernames.txt> [the same field options] [--replace-licenses] [--dry-run] [--out <results.csv>]
                        one username per line (or comma separated); --add-license adds, with --replace-licenses replaces
  users block <username> [--dry-run]         block sign-in (the last Global admin cannot be blocked)
  users unblock <username> [--dry-run]       allow sign-in again
  users reset-password <username> [--password-file <file>] [--no-require-change] [--dry-run]
                        a generated password (printed once, to stdout only) or the one in the file
  users mark-synced <username> [--cloud] [--dry-run]
                        mark a user as synchronized from on-premises AD (or, with --cloud, a cloud user again)`;

/** --kebab-case option → profile field (camelCase). */
const FIELD_OPTIONS = Object.fromEntries(PROFILE_FIELD_NAMES.map((field) => [field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), field]));

export const USERS_OPTIONS = {
  ...Object.fromEntries(Object.keys(FIELD_OPTIONS).map((name) => [name, { type: 'string' as const }])),
  'usage-location': { type: 'string' as const },
  'add-license': { type: 'string' as const, multiple: true as const },
  'remove-license': { type: 'string' as const, multiple: true as const },
  'replace-licenses': { type: 'boolean' as const, default: false },
  'password-file': { type: 'string' as const },
  'no-require-change': { type: 'boolean' as const, default: false },
  file: { type: 'string' as const },
  cloud: { type: 'boolean' as const, default: false },
};

type Values = Record<string, string | boolean | string[] | undefined>;
type Print = (line: string) => void;

/** `npm run roster -- users <subcommand> ...`: the same core use cases as Slack, as a command-line operator. */
export async function usersCommand(
  ctx: CoreContext,
  jobs: JobRunner,
  actor: OperatorActor,
  positionals: string[],
  values: Values,
  print: Print,
  problem: Print,
): Promise<number> {
  const [sub, username = ''] = positionals;
  const dryRun = values['dry-run'] === true;
  const report = (error: CoreError) => {
    problem(`error: ${error.message}`);
    for (const field of error.fields ?? []) problem(`  ${field.field}: ${field.message}`);
    return 1;
  };
  const prefix = dryRun ? '(dry run, nothing written) ' : '';
  if (sub !== 'edit-many' && !username)
    return report({ ok: false, code: 'invalid_input', message: `name the user: users ${sub ?? '<subcommand>'} <username>` });
  switch (sub) {
    case 'edit': {
      const parsed = editInput(values);
      if (!parsed.ok) return report(parsed);
      const result = await editUser(ctx, actor, { username }, parsed.input, { dryRun });
      if (!result.ok) return report(result);
      print(`${prefix}${result.userPrincipalName}: ${result.changedFields.length ? `changed ${result.changedFields.join(', ')}` : 'nothing to change'}`);
      return 0;
    }
    case 'edit-many': {
      const file = typeof values.file === 'string' ? values.file : '';
      if (!file) return report({ ok: false, code: 'invalid_input', message: '--file <usernames.txt> is required' });
      const parsed = editInput(values);
      if (!parsed.ok) return report(parsed);
      const edit = parsed.input;
      const products = edit.addLicenses ?? [];
      const input: EditManyInput = {
        usernames: parseUsernameList(readFileSync(file, 'utf8')),
        ...(edit.detailsPatch ? { detailsPatch: Object.fromEntries(Object.entries(edit.detailsPatch).map(([k, v]) => [k, v ?? ''])) } : {}),
        ...(typeof edit.usageLocation === 'string' ? { usageLocation: edit.usageLocation } : {}),
        licenses: values['replace-licenses'] ? { mode: 'replace', products } : products.length ? { mode: 'add', products } : { mode: 'keep' },
      };
      const result = dryRun ? await editManyUsers(ctx, actor, input, { dryRun }) : await editManyHere(ctx, jobs, actor, input);
      if (!result.ok) return report(result);
      const out = typeof values.out === 'string' ? values.out : file.replace(/(\.[^./\\]+)?$/, '-results.csv');
      try {
        await writePrivateFile(out, await editManyResultsCsv(result), { force: values.force === true });
      } catch (error) {
        if (error instanceof FileExistsError) return report({ ok: false, code: 'conflict', message: error.message });
        throw error;
      }
      const notDone = result.counts.notDone.reduce((sum, r) => sum + r.count, 0);
      print(`${prefix}${result.counts.done} changed, ${result.counts.unchanged} already as asked, ${notDone} not changed. Every user and outcome: ${out}`);
      for (const { reason, count } of result.counts.notDone) print(`  ${count} × ${reason}`);
      return notDone > 0 ? 1 : 0;
    }
    case 'block':
    case 'unblock': {
      const result = await (sub === 'block' ? blockUser : unblockUser)(ctx, actor, { username }, { dryRun });
      if (!result.ok) return report(result);
      const state = sub === 'block' ? 'blocked from signing in' : 'allowed to sign in';
      print(`${prefix}${result.userPrincipalName} ${result.changed ? `is now ${state}` : `was already ${state}`}`);
      return 0;
    }
    case 'reset-password': {
      const passwordFile = typeof values['password-file'] === 'string' ? values['password-file'] : undefined;
      const password = passwordFile
        ? ({ mode: 'custom', value: readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '') } as const)
        : ({ mode: 'auto' } as const);
      const result = await resetPassword(ctx, actor, { username }, { password, requirePasswordChange: values['no-require-change'] !== true }, { dryRun });
      if (!result.ok) return report(result);
      // The generated password goes to stdout only, once; a chosen one is not repeated.
      if (dryRun) print(`${prefix}the password of ${result.notice.userPrincipalName} can be reset`);
      else if (passwordFile) print(`The password of ${result.notice.userPrincipalName} is now the one in ${passwordFile}.`);
      else print(`New password for ${result.notice.userPrincipalName}: ${result.notice.temporaryPassword}`);
      return 0;
    }
    case 'mark-synced': {
      const result = await markUserSynced(ctx, actor, { username }, { synced: values.cloud !== true, dryRun });
      if (!result.ok) return report(result);
      print(
        `${prefix}${result.userPrincipalName} ${result.changed ? 'is now' : 'was already'} ${values.cloud ? 'a cloud user' : 'synchronized from on-premises Active Directory'}`,
      );
      return 0;
    }
    default:
      return report({
        ok: false,
        code: 'invalid_input',
        message: `unknown users subcommand ${sub ?? '(none)'}: edit, edit-many, block, unblock, reset-password, mark-synced`,
      });
  }
}

/** The field and license options as an edit; a product not found is an error naming the option. */
function editInput(values: Values): Result<{ input: EditUserInput }> {
  const patch: Record<string, string> = {};
  for (const [option, field] of Object.entries(FIELD_OPTIONS)) if (typeof values[option] === 'string') patch[field] = values[option];
  const input: EditUserInput = {};
  if (Object.keys(patch).length > 0) input.detailsPatch = patch;
  if (typeof values['usage-location'] === 'string') input.usageLocation = values['usage-location'];
  for (const [option, key] of [
    ['add-license', 'add'],
    ['remove-license', 'remove'],
  ] as const) {
    for (const name of (values[option] as string[] | undefined) ?? []) {
      const found = findProduct(name);
      if (!found.ok) return fail('invalid_input', `--${option} ${name}: ${found.message}`);
      if (key === 'add') (input.addLicenses ??= []).push({ skuId: found.product.skuId, disabledPlans: [] });
      else (input.removeLicenses ??= []).push(found.product.skuId);
    }
  }
  return ok({ input });
}

/**
 * A real Edit many from the command line is a job on this process's own queue, run here: the
 * users are edited in the same batches as in the app, and the job (with its progress and every
 * outcome) is listed by `roster jobs` like any other.
 */
async function editManyHere(ctx: CoreContext, jobs: JobRunner, actor: OperatorActor, input: EditManyInput): Promise<Result<EditManyResult>> {
  const queued = await queueEditMany(ctx, actor, input, { queue: `cli:${ctx.instanceId}` });
  if (!queued.ok) return queued;
  jobs.register({ kind: EDIT_MANY_JOB, run: (job) => runEditManyJob(ctx, job) });
  const ended = await jobs.runNow(queued.jobId);
  if (ended.status !== 'succeeded') return fail('conflict', `The edit stopped (${ended.status}): ${ended.error ?? 'see npm run roster -- jobs'}.`);
  return ok(await editManyJobResult(ctx, queued.jobId));
}
