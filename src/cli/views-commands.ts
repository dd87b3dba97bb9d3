import { findProduct } from '../core/catalogue/find-product.js';
import type { CoreContext, OperatorActor } from '../core/context.js';
import { fail, ok, type Result } from '../core/result.js';
import { customViewForEdit, deleteCustomView, listCustomViews, type CustomViewSummary } from '../core/views/custom-view-admin.js';
import { saveCustomView, type CustomViewInput } from '../core/views/save-custom-view.js';
import { describeConditions, type ConditionName } from '../core/views/view-conditions.js';
import { EXIT, refuse, usageError } from './cli-kit.js';
import type { CommandRun, CommandSpec, OptionSpec, Values } from './command-tree.js';
import { RowWriter } from './output.js';

/** Condition options: `--department Sales` is the view's Department condition; an empty value (edit) drops it. */
const TEXT_CONDITIONS: Record<string, ConditionName> = {
  domain: 'domain',
  'usage-location': 'usageLocation',
  department: 'department',
  city: 'city',
  state: 'state',
  country: 'country',
  'job-title': 'jobTitle',
  'sign-in': 'signIn',
  manager: 'manager',
};
const FLAG_CONDITIONS: Record<string, ConditionName> = {
  'synced-only': 'syncedOnly',
  'with-errors': 'withErrors',
  unlicensed: 'unlicensed',
  'unlicensed-with-mailbox': 'unlicensedWithMailbox',
};

const CONDITION_OPTIONS: Record<string, OptionSpec> = {
  ...Object.fromEntries(
    Object.keys(TEXT_CONDITIONS).map((flag) => [
      flag,
      {
        type: 'string' as const,
        value: flag === 'sign-in' ? 'allowed|blocked' : flag === 'manager' ? '<username>' : '<text>',
        help: flag === 'manager' ? "the direct reports of this user (the manager's username)" : `users whose ${flag.replace(/-/g, ' ')} is this`,
      },
    ]),
  ),
  product: { type: 'string', value: '<product>', help: 'users with this product (part number or part of its name)' },
  ...Object.fromEntries(Object.keys(FLAG_CONDITIONS).map((flag) => [flag, { type: 'boolean' as const, help: `only ${flag.replace(/-/g, ' ')} users` }])),
};

/** The condition options given, as conditions (a product by name as its skuId). */
function conditionsOf(values: Values): Result<{ conditions: CustomViewInput['conditions'] }> {
  const conditions: CustomViewInput['conditions'] = {};
  for (const [flag, name] of Object.entries(TEXT_CONDITIONS)) if (typeof values[flag] === 'string') conditions[name] = values[flag];
  for (const [flag, name] of Object.entries(FLAG_CONDITIONS)) if (values[flag] === true) conditions[name] = true;
  if (typeof values.product === 'string') {
    if (values.product === '') conditions.skuId = '';
    else {
      const found = findProduct(values.product);
      if (!found.ok) return fail('invalid_input', `--product ${values.product}: ${found.message}`);
      conditions.skuId = found.product.skuId;
    }
  }
  return ok({ conditions });
}

const FLAGS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(TEXT_CONDITIONS).map(([flag, name]) => [name, `--${flag}`])),
  skuId: '--product',
  name: '<name>',
};

/** A custom view by name (as listed) or id. */
async function viewNamed(ctx: CoreContext, actor: OperatorActor, wanted: string): Promise<Result<{ view: CustomViewSummary }>> {
  const listed = await listCustomViews(ctx, actor);
  if (!listed.ok) return listed;
  const view = listed.views.find((v) => v.id === wanted || v.name.toLowerCase() === wanted.trim().toLowerCase());
  return view ? ok({ view }) : fail('not_found', `No custom view named "${wanted}"; \`roster views\` lists them.`);
}

async function list(run: CommandRun): Promise<number> {
  const result = await listCustomViews(run.ctx, run.actor);
  if (!result.ok) return refuse(run.problem, result);
  const rows = new RowWriter(run.format, ['id', 'name', 'conditions'], run.write, (r) => `${r.name}\t${r.conditions}`);
  rows.rows(result.views.map((v) => ({ id: v.id, name: v.name, conditions: describeConditions(v.conditions) })));
  if (rows.end() === 0 && run.format === 'text') run.print('No custom views yet: roster views create <name> --department Sales (see --help).');
  return EXIT.done;
}

async function save(run: CommandRun, editing: boolean): Promise<number> {
  const parsed = conditionsOf(run.values);
  if (!parsed.ok) return usageError(run.problem, parsed.message);
  const { conditions } = parsed;
  let input: CustomViewInput;
  if (editing) {
    const named = await viewNamed(run.ctx, run.actor, run.args.join(' '));
    if (!named.ok) return refuse(run.problem, named);
    const { view } = named;
    const current = await customViewForEdit(run.ctx, run.actor, view.id);
    if (!current.ok) return refuse(run.problem, current);
    const rename = typeof run.values.name === 'string' ? run.values.name : current.view.name;
    input = { id: view.id, name: rename, conditions: { ...current.view.conditions, ...conditions } };
  } else input = { name: run.args.join(' '), conditions };
  const result = await saveCustomView(run.ctx, run.actor, input, { dryRun: run.values['dry-run'] === true });
  if (!result.ok) return refuse(run.problem, result, FLAGS);
  run.print(`${run.values['dry-run'] ? '(dry run) ' : ''}${result.created ? 'Created' : 'Saved'} the view "${result.name}".`);
  return EXIT.done;
}

async function remove(run: CommandRun): Promise<number> {
  const named = await viewNamed(run.ctx, run.actor, run.args.join(' '));
  if (!named.ok) return refuse(run.problem, named);
  const result = await deleteCustomView(run.ctx, run.actor, named.view.id);
  if (!result.ok) return refuse(run.problem, result);
  run.print(`Deleted the view "${result.name}".`);
  return EXIT.done;
}

export const VIEWS_COMMANDS: CommandSpec[] = [
  {
    path: ['views'],
    summary: "the organization's custom views, with their conditions",
    args: '',
    positionals: { min: 0, max: 0 },
    output: true,
    examples: ['roster views', 'roster views --output json'],
    run: list,
  },
  {
    path: ['views', 'create'],
    summary: 'a custom view: users matching every condition given (Global and User admins)',
    args: '<name>',
    positionals: { min: 1, max: 1 },
    options: CONDITION_OPTIONS,
    dryRun: true,
    examples: ['roster views create "Sales NL" --department Sales --usage-location NL', 'roster views create "No license" --unlicensed'],
    run: (run) => save(run, false),
  },
  {
    path: ['views', 'edit'],
    summary: 'change a custom view: the conditions given replace those (an empty value drops one); --name renames it',
    args: '<name>',
    positionals: { min: 1, max: 1 },
    options: { name: { type: 'string', value: '<new name>', help: 'rename the view' }, ...CONDITION_OPTIONS },
    dryRun: true,
    examples: ['roster views edit "Sales NL" --usage-location BE --name "Sales BE"', 'roster views edit "Sales BE" --department ""'],
    run: (run) => save(run, true),
  },
  {
    path: ['views', 'delete'],
    summary: 'delete a custom view',
    args: '<name>',
    positionals: { min: 1, max: 1 },
    examples: ['roster views delete "Sales BE"'],
    run: remove,
  },
];
