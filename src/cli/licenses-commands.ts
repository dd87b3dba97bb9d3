import { assignProduct } from '../core/licenses/assign-product.js';
import { buyLicenses } from '../core/licenses/buy-licenses.js';
import { changeQuantity } from '../core/licenses/change-quantity.js';
import { listLicenses } from '../core/licenses/list-licenses.js';
import { BUY_MORE_IN_THE_ADMIN_CENTER } from '../core/refusals.js';
import type { ProductChangeResult } from '../core/licenses/product-change.js';
import { productUsers } from '../core/licenses/product-users.js';
import { recordSelfService, takeOverSubscription } from '../core/licenses/take-over-subscription.js';
import { unassignProduct } from '../core/licenses/unassign-product.js';
import { sweepExpired } from '../core/users/purge-deleted.js';
import { cliSentence, EXIT, refuse, usageError } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { RowWriter, summaryPrinter } from './output.js';
import { fullUsernames } from './resolve-users.js';

const dry = (run: CommandRun) => (run.values['dry-run'] ? '(dry run) ' : '');
const dryRunOf = (run: CommandRun) => run.values['dry-run'] === true;

/** Each user's outcome: text lines as before, or rows (`userPrincipalName`, `done`, `reason`) with --output. */
function printChange(run: CommandRun, result: ProductChangeResult, verb: string): number {
  const total = result.done.length + result.notDone.length;
  const summary = `${result.dryRun ? '(dry run) ' : ''}${verb} ${result.product.displayName}: ${result.done.length} done, ${result.notDone.length} not done.`;
  if (run.format === 'text') {
    run.print(summary);
    for (const d of result.done) run.print(`  done      ${d.userPrincipalName}`);
    for (const n of result.notDone) run.print(`  not done  ${n.name}: ${cliSentence(n.problems.join(' '))}`);
  } else {
    const rows = new RowWriter(run.format, ['userPrincipalName', 'done', 'reason'], run.write, () => '');
    rows.rows(result.done.map((d) => ({ userPrincipalName: d.userPrincipalName, done: true, reason: null })));
    rows.rows(result.notDone.map((n) => ({ userPrincipalName: n.name, done: false, reason: cliSentence(n.problems.join(' ')) })));
    rows.end();
    run.problem(summary);
  }
  if (result.notDone.length === 0) return EXIT.done;
  run.problem(`${result.notDone.length} of ${total} users not changed.`);
  return EXIT.refused;
}

async function seats(run: CommandRun): Promise<number> {
  const result = await listLicenses(run.ctx, run.actor);
  if (!result.ok) return refuse(run.problem, result);
  const rows = new RowWriter(
    run.format,
    ['partNumber', 'product', 'total', 'assigned', 'available'],
    run.write,
    (r) => `${String(r.product).padEnd(44)} ${String(r.partNumber).padEnd(28)} ${r.assigned} of ${r.total} assigned, ${r.available} available`,
  );
  rows.rows(
    result.licenses.map((l) => ({
      partNumber: l.product.partNumber,
      product: l.product.displayName,
      total: l.total,
      assigned: l.assigned,
      available: l.available,
    })),
  );
  if (rows.end() === 0)
    summaryPrinter(
      run.format,
      run.print,
      run.problem,
    )(`${result.organizationName} has no licenses yet: ${result.connected ? BUY_MORE_IN_THE_ADMIN_CENTER : 'roster licenses buy <product> <quantity>.'}`);
  return EXIT.done;
}

async function assignOrUnassign(run: CommandRun, assign: boolean): Promise<number> {
  const [product = '', ...names] = run.args;
  // The command line may name many users at once (the Licenses page picks at most 20).
  const input = { product, users: { usernames: await fullUsernames(run.ctx, run.actor, names) }, dryRun: dryRunOf(run), many: true };
  const appsOff = typeof run.values['apps-off'] === 'string' ? run.values['apps-off'] : '';
  const result = assign
    ? await assignProduct(run.ctx, run.actor, {
        ...input,
        disabledPlans: appsOff
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      })
    : await unassignProduct(run.ctx, run.actor, input);
  return result.ok ? printChange(run, result, assign ? 'Assigned' : 'Unassigned') : refuse(run.problem, result);
}

async function holders(run: CommandRun): Promise<number> {
  const result = await productUsers(run.ctx, run.actor, run.args.join(' '));
  if (!result.ok) return refuse(run.problem, result);
  const rows = new RowWriter(run.format, ['userPrincipalName', 'displayName'], run.write, (r) => `${r.userPrincipalName}  ${r.displayName}`);
  rows.rows(result.users.map((u) => ({ userPrincipalName: u.userPrincipalName, displayName: u.displayName })));
  rows.end();
  summaryPrinter(run.format, run.print, run.problem)(`${result.count} user${result.count === 1 ? '' : 's'} with ${result.product.displayName}.`);
  return EXIT.done;
}

/** `<product> <quantity>`: the quantity a whole number, or a usage error. */
function quantityOf(run: CommandRun): number | null {
  const text = run.args[1] ?? '';
  return /^\d+$/.test(text) ? Number(text) : null;
}

async function quantityCommand(run: CommandRun, which: 'buy' | 'set' | 'record'): Promise<number> {
  const quantity = quantityOf(run);
  if (quantity === null)
    return usageError(
      run.problem,
      `the quantity must be a whole number, not "${run.args[1] ?? ''}"`,
      `Usage: roster licenses ${which === 'record' ? 'record-self-service' : which} <product> <quantity>`,
    );
  const input = { product: run.args[0]!, quantity, dryRun: dryRunOf(run) };
  if (which === 'buy') {
    const result = await buyLicenses(run.ctx, run.actor, input);
    if (!result.ok) return refuse(run.problem, result);
    run.print(`${dry(run)}Bought ${result.quantity} ${result.product.displayName}: ${result.total} licenses, ${result.available} available.`);
  } else if (which === 'set') {
    const result = await changeQuantity(run.ctx, run.actor, input);
    if (!result.ok) return refuse(run.problem, result);
    run.print(`${dry(run)}${result.product.displayName}: ${result.total} licenses (was ${result.before}); ${result.assigned} assigned.`);
  } else {
    const result = await recordSelfService(run.ctx, run.actor, input);
    if (!result.ok) return refuse(run.problem, result);
    run.print(
      `${dry(run)}Recorded a self-service subscription of ${result.quantity} ${result.product.displayName}; assignable after \`roster licenses takeover\`.`,
    );
  }
  return EXIT.done;
}

async function takeover(run: CommandRun): Promise<number> {
  const result = await takeOverSubscription(run.ctx, run.actor, { product: run.args.join(' '), dryRun: dryRunOf(run) });
  if (!result.ok) return refuse(run.problem, result);
  run.print(`${dry(run)}Took over ${result.product.displayName}: ${result.seats} seats joined the pool (${result.total} in total).`);
  return EXIT.done;
}

async function purge(run: CommandRun): Promise<number> {
  const done = await sweepExpired(run.ctx, { actor: `cli:${run.actor.operator}`, dryRun: dryRunOf(run) });
  run.print(
    `${dry(run)}Removed for good: ${done.purged.length}${done.purged.length ? ` (${done.purged.join(', ')})` : ''}. Mailboxes ended: ${done.mailboxesRemoved.length}.`,
  );
  return EXIT.done;
}

const PRODUCT = 'a part number (O365_BUSINESS_ESSENTIALS) or an unambiguous part of the name ("business basic")';

export const LICENSES_COMMANDS: CommandSpec[] = [
  {
    path: ['licenses'],
    summary: 'each product with its total, assigned and available seats',
    args: '',
    positionals: { min: 0, max: 0 },
    output: true,
    examples: ['roster licenses', 'roster licenses --output json'],
    run: seats,
  },
  {
    path: ['licenses', 'assign'],
    summary: 'assign a product to users (each on their own; those refused are listed with why)',
    args: '<product> <username>...',
    positionals: { min: 2, max: Number.POSITIVE_INFINITY },
    details: `<product> is ${PRODUCT}. Up to 1,000 users at once (the Licenses page in Slack picks at most 20).`,
    options: { 'apps-off': { type: 'string', value: '<plan id,...>', help: "the product's apps (service plans) to turn off" } },
    dryRun: true,
    output: true,
    examples: ['roster licenses assign "business basic" ana@contoso.com bo', 'roster licenses assign O365_BUSINESS_ESSENTIALS chloe --dry-run'],
    run: (run) => assignOrUnassign(run, true),
  },
  {
    path: ['licenses', 'unassign'],
    summary: 'take a product away from users',
    args: '<product> <username>...',
    positionals: { min: 2, max: Number.POSITIVE_INFINITY },
    details: `<product> is ${PRODUCT}.`,
    dryRun: true,
    output: true,
    examples: ['roster licenses unassign "business basic" ana'],
    run: (run) => assignOrUnassign(run, false),
  },
  {
    path: ['licenses', 'users'],
    summary: 'who holds a product (the first 50 by display name, and the count)',
    args: '<product>',
    positionals: { min: 1, max: 1 },
    output: true,
    examples: ['roster licenses users "business basic"', 'roster licenses users O365_BUSINESS_ESSENTIALS --output csv'],
    run: holders,
  },
  {
    path: ['licenses', 'buy'],
    summary: 'buy seats (a new subscription; Global or Billing admin)',
    args: '<product> <quantity>',
    positionals: { min: 2, max: 2 },
    details: `<product> is ${PRODUCT}.`,
    dryRun: true,
    examples: ['roster licenses buy "business basic" 25', 'roster licenses buy SPB 5 --dry-run'],
    run: (run) => quantityCommand(run, 'buy'),
  },
  {
    path: ['licenses', 'set'],
    summary: "change a product's seats (never below what is assigned)",
    args: '<product> <quantity>',
    positionals: { min: 2, max: 2 },
    dryRun: true,
    examples: ['roster licenses set "business basic" 8'],
    run: (run) => quantityCommand(run, 'set'),
  },
  {
    path: ['licenses', 'record-self-service'],
    summary: "record a member's self-service purchase (not assignable until taken over)",
    args: '<product> <quantity>',
    positionals: { min: 2, max: 2 },
    dryRun: true,
    examples: ['roster licenses record-self-service "business basic" 5'],
    run: (run) => quantityCommand(run, 'record'),
  },
  {
    path: ['licenses', 'takeover'],
    summary: 'take over a self-service subscription (its seats become assignable)',
    args: '<product>',
    positionals: { min: 1, max: 1 },
    dryRun: true,
    examples: ['roster licenses takeover "business basic"'],
    run: takeover,
  },
  {
    path: ['purge'],
    summary: 'remove users deleted 30+ days ago and end expired mailbox graces (the app does it every 10 minutes)',
    args: '',
    positionals: { min: 0, max: 0 },
    dryRun: true,
    noWorkspace: true,
    examples: ['roster purge --dry-run'],
    run: purge,
  },
];
