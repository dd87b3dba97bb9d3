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
import { fail, ok, type Result } from '../core/result.js';
import { PROFILE_FIELD_NAMES } from '../core/rules/profile-fields.js';
import { turnAppsOff } from './apps-off.js';
import { EXIT, readInput, refuse, usageError } from './cli-kit.js';
import type { CommandRun, CommandSpec, OptionSpec, Values } from './command-tree.js';
import { FileExistsError, writePrivateFile } from './private-file.js';
import { fullUsernames } from './resolve-users.js';

/** --kebab-case option → profile field (camelCase). */
export const FIELD_OPTIONS = Object.fromEntries(PROFILE_FIELD_NAMES.map((field) => [field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), field]));

/** The profile fields as options (`--department Sales`), and usage location: shared by `users add`, `users edit` and `edit-many`. */
export const FIELD_OPTION_SPECS: Record<string, OptionSpec> = {
  ...Object.fromEntries(Object.keys(FIELD_OPTIONS).map((name) => [name, { type: 'string' as const, value: '<text>', help: `the ${name.replace(/-/g, ' ')}` }])),
  'usage-location': { type: 'string', value: '<XX>', help: 'usage location, an ISO country code such as NL' },
};

const LICENSE_OPTIONS: Record<string, OptionSpec> = {
  'add-license': { type: 'string', multiple: true, value: '<product>', help: 'give a product (part number or part of its name)' },
  'remove-license': { type: 'string', multiple: true, value: '<product>', help: 'take a product away' },
  'apps-off': { type: 'string', value: '<app,...>', help: 'apps to turn off in the products of --add-license (service plan names such as TEAMS1, or ids)' },
};

/** The manager options of `users edit` (docs/domain.md "Managers"). */
const MANAGER_OPTIONS: Record<string, OptionSpec> = {
  manager: { type: 'string', value: '<username>', help: "set the user's manager (another user of the organization)" },
  'no-manager': { type: 'boolean', help: "remove the user's manager" },
};

const user = (run: CommandRun) => run.args.join(' ');
const prefixOf = (run: CommandRun) => (run.values['dry-run'] ? '(dry run, nothing written) ' : '');

async function edit(run: CommandRun): Promise<number> {
  const parsed = editInput(run.values);
  if (!parsed.ok) return usageError(run.problem, parsed.message);
  const result = await editUser(run.ctx, run.actor, { username: user(run) }, parsed.input, { dryRun: run.values['dry-run'] === true });
  if (!result.ok) return refuse(run.problem, result);
  run.print(`${prefixOf(run)}${result.userPrincipalName}: ${result.changedFields.length ? `changed ${result.changedFields.join(', ')}` : 'nothing to change'}`);
  return EXIT.done;
}

async function editMany(run: CommandRun): Promise<number> {
  const { values } = run;
  const dryRun = values['dry-run'] === true;
  const file = typeof values.file === 'string' ? values.file : '';
  if (!file) return usageError(run.problem, '--file <usernames.txt> is required', 'See `roster users edit-many --help`.');
  const parsed = editInput(values);
  if (!parsed.ok) return usageError(run.problem, parsed.message);
  const edit = parsed.input;
  const products = edit.addLicenses ?? [];
  const input: EditManyInput = {
    // An alias (no @) names the one user who has it, as everywhere at the command line.
    usernames: await fullUsernames(run.ctx, run.actor, parseUsernameList(readInput(file))),
    ...(edit.detailsPatch ? { detailsPatch: Object.fromEntries(Object.entries(edit.detailsPatch).map(([k, v]) => [k, v ?? ''])) } : {}),
    ...(typeof edit.usageLocation === 'string' ? { usageLocation: edit.usageLocation } : {}),
    ...(edit.manager !== undefined ? { manager: edit.manager } : {}),
    licenses: values['replace-licenses'] ? { mode: 'replace', products } : products.length ? { mode: 'add', products } : { mode: 'keep' },
  };
  const result = dryRun ? await editManyUsers(run.ctx, run.actor, input, { dryRun }) : await editManyHere(run.ctx, run.jobs, run.actor, input);
  if (!result.ok) return refuse(run.problem, result);
  const out = typeof values.out === 'string' ? values.out : file === '-' ? '-' : file.replace(/(\.[^./\\]+)?$/, '-results.csv');
  const csv = await editManyResultsCsv(result);
  if (out === '-') run.write(csv.toString('utf8'));
  else {
    try {
      await writePrivateFile(out, csv, { force: values.force === true });
    } catch (error) {
      if (error instanceof FileExistsError) return refuse(run.problem, { code: 'conflict', message: error.message });
      throw error;
    }
  }
  const say = out === '-' ? run.problem : run.print;
  const notDone = result.counts.notDone.reduce((sum, r) => sum + r.count, 0);
  say(
    `${prefixOf(run)}${result.counts.done} changed, ${result.counts.unchanged} already as asked, ${notDone} not changed.${out === '-' ? '' : ` Every user and outcome: ${out}`}`,
  );
  for (const { reason, count } of result.counts.notDone) say(`  ${count} × ${reason}`);
  return notDone > 0 ? EXIT.refused : EXIT.done;
}

async function block(run: CommandRun, blocking: boolean): Promise<number> {
  const result = await (blocking ? blockUser : unblockUser)(run.ctx, run.actor, { username: user(run) }, { dryRun: run.values['dry-run'] === true });
  if (!result.ok) return refuse(run.problem, result);
  const state = blocking ? 'blocked from signing in' : 'allowed to sign in';
  // As the Slack confirmation says: sessions already open end as each device checks again.
  const delay = blocking && result.changed ? ' (it can take up to about an hour to reach every device)' : '';
  run.print(`${prefixOf(run)}${result.userPrincipalName} ${result.changed ? `is now ${state}` : `was already ${state}`}${delay}`);
  return EXIT.done;
}

async function resetPasswordCommand(run: CommandRun): Promise<number> {
  const { values } = run;
  const dryRun = values['dry-run'] === true;
  const passwordFile = typeof values['password-file'] === 'string' ? values['password-file'] : undefined;
  const password = passwordFile ? ({ mode: 'custom', value: readInput(passwordFile).replace(/\r?\n$/, '') } as const) : ({ mode: 'auto' } as const);
  const result = await resetPassword(
    run.ctx,
    run.actor,
    { username: user(run) },
    { password, requirePasswordChange: values['no-require-change'] !== true },
    { dryRun },
  );
  if (!result.ok) return refuse(run.problem, result);
  // The generated password goes to stdout only, once; a chosen one is not repeated.
  if (dryRun) run.print(`${prefixOf(run)}the password of ${result.notice.userPrincipalName} can be reset`);
  else if (passwordFile)
    run.print(`The password of ${result.notice.userPrincipalName} is now the one ${passwordFile === '-' ? 'given' : `in ${passwordFile}`}.`);
  else run.print(`New password for ${result.notice.userPrincipalName}: ${result.notice.temporaryPassword}`);
  return EXIT.done;
}

async function markSynced(run: CommandRun): Promise<number> {
  const cloud = run.values.cloud === true;
  const result = await markUserSynced(run.ctx, run.actor, { username: user(run) }, { synced: !cloud, dryRun: run.values['dry-run'] === true });
  if (!result.ok) return refuse(run.problem, result);
  run.print(
    `${prefixOf(run)}${result.userPrincipalName} ${result.changed ? 'is now' : 'was already'} ${cloud ? 'a cloud user' : 'synchronized from on-premises Active Directory'}`,
  );
  if (result.needsPassword) run.print(`They have no cloud password: give them one with roster users reset-password ${result.userPrincipalName}`);
  return EXIT.done;
}

const ONE_USER = { min: 1, max: 1 };

export const USERS_EDIT_COMMANDS: CommandSpec[] = [
  {
    path: ['users', 'edit'],
    summary: 'change only the fields and licenses given (an empty value clears a field)',
    args: '<username>',
    positionals: ONE_USER,
    options: { ...FIELD_OPTION_SPECS, ...LICENSE_OPTIONS, ...MANAGER_OPTIONS },
    dryRun: true,
    examples: [
      'roster users edit ana@contoso.com --department Sales --add-license "business basic"',
      'roster users edit ana --city "" --dry-run',
      'roster users edit ana --manager ben@contoso.com',
    ],
    run: edit,
  },
  {
    path: ['users', 'edit-many'],
    summary: 'edit the users listed in a file; every outcome goes to a results CSV',
    args: '--file <usernames.txt>',
    positionals: { min: 0, max: 0 },
    details: "Usernames one a line or comma separated. --add-license adds the products; with --replace-licenses they replace the users' licenses.",
    options: {
      file: { type: 'string', value: '<file|->', help: 'the usernames (- for standard input)' },
      ...FIELD_OPTION_SPECS,
      'add-license': LICENSE_OPTIONS['add-license']!,
      'apps-off': LICENSE_OPTIONS['apps-off']!,
      'replace-licenses': { type: 'boolean', help: "replace the users' licenses with the --add-license products" },
      ...MANAGER_OPTIONS,
      out: { type: 'string', value: '<file.csv>', help: 'the results CSV (default <file>-results.csv; - for standard output)' },
      force: { type: 'boolean', help: 'replace an existing --out file' },
    },
    dryRun: true,
    examples: ['roster users edit-many --file people.txt --usage-location NL --add-license "business basic"'],
    run: editMany,
  },
  {
    path: ['users', 'block'],
    summary: 'block sign-in (the last Global admin who can sign in cannot be blocked)',
    args: '<username>',
    positionals: ONE_USER,
    dryRun: true,
    examples: ['roster users block ana@contoso.com', 'roster users block ana'],
    run: (run) => block(run, true),
  },
  {
    path: ['users', 'unblock'],
    summary: 'allow sign-in again',
    args: '<username>',
    positionals: ONE_USER,
    dryRun: true,
    examples: ['roster users unblock ana'],
    run: (run) => block(run, false),
  },
  {
    path: ['users', 'reset-password'],
    summary: 'a new password: generated (printed once, to standard output only) or the one in a file',
    args: '<username>',
    positionals: ONE_USER,
    options: {
      'password-file': { type: 'string', value: '<file|->', help: 'use the password in this file, or on standard input with - (not printed)' },
      'no-require-change': { type: 'boolean', help: 'do not ask for a new password at the next sign-in' },
    },
    dryRun: true,
    examples: ['roster users reset-password ana', 'roster users reset-password ana --password-file pw.txt'],
    run: resetPasswordCommand,
  },
  {
    path: ['users', 'mark-synced'],
    summary: 'mark a user as synchronized from on-premises AD (--cloud: a cloud user again)',
    args: '<username>',
    positionals: ONE_USER,
    options: { cloud: { type: 'boolean', help: 'make them a cloud user again' } },
    dryRun: true,
    examples: ['roster users mark-synced ana', 'roster users mark-synced ana --cloud'],
    run: markSynced,
  },
];

/** The field and license options as an edit; a product not found is an error naming the option. */
export function editInput(values: Values): Result<{ input: EditUserInput }> {
  const patch: Record<string, string> = {};
  for (const [option, field] of Object.entries(FIELD_OPTIONS)) if (typeof values[option] === 'string') patch[field] = values[option];
  const input: EditUserInput = {};
  if (Object.keys(patch).length > 0) input.detailsPatch = patch;
  if (typeof values['usage-location'] === 'string') input.usageLocation = values['usage-location'];
  if (typeof values.manager === 'string' && values['no-manager'] === true)
    return { ok: false, code: 'invalid_input', message: '--manager and --no-manager contradict each other: give one.' };
  if (typeof values.manager === 'string') input.manager = { username: values.manager };
  if (values['no-manager'] === true) input.manager = null;
  for (const [option, key] of [
    ['add-license', 'add'],
    ['remove-license', 'remove'],
  ] as const) {
    for (const name of (values[option] as string[] | undefined) ?? []) {
      const found = findProduct(name);
      if (!found.ok) return { ok: false, code: 'invalid_input', message: `--${option} ${name}: ${found.message}` };
      if (key === 'add') (input.addLicenses ??= []).push({ skuId: found.product.skuId, disabledPlans: [] });
      else (input.removeLicenses ??= []).push(found.product.skuId);
    }
  }
  const added = (input.addLicenses ?? []).map((license) => ({ ...license, disabledPlans: [...(license.disabledPlans ?? [])] }));
  const appsOff = turnAppsOff(added, values['apps-off'], '--add-license');
  if (!appsOff.ok) return appsOff;
  if (input.addLicenses) input.addLicenses = added;
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
  if (ended.status !== 'succeeded') return fail('conflict', `The edit stopped (${ended.status}): ${ended.error ?? 'see roster jobs'}.`);
  return ok(await editManyJobResult(ctx, queued.jobId));
}
