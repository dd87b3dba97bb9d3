import { changeSeatAlerts, digestTime, type SeatAlertChange } from '../core/licenses/change-seat-alerts.js';
import { currencyDigits, formatMoney } from '../core/licenses/money.js';
import { setPrice } from '../core/licenses/product-prices.js';
import { isLow, seatAlerts } from '../core/licenses/seat-alerts.js';
import { setInactiveDays, setKeepDays } from '../core/licenses/reclaim-settings.js';
import { setSeatWarning } from '../core/tenant/set-seat-warning.js';
import { EXIT, refuse, usageError } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { reclaimCommand, RECLAIM_OPTIONS } from './reclaim-command.js';
import { RowWriter, summaryPrinter } from './output.js';

const dry = (run: CommandRun) => (run.values['dry-run'] ? '(dry run) ' : '');
const dryRunOf = (run: CommandRun) => run.values['dry-run'] === true;

/** `roster licenses alerts`: every product's threshold and state (rows), then where alerts go and the digest. */
async function listAlerts(run: CommandRun): Promise<number> {
  const result = await seatAlerts(run.ctx, run.actor);
  if (!result.ok) return refuse(run.problem, result);
  const rows = new RowWriter(
    run.format,
    ['partNumber', 'product', 'total', 'assigned', 'available', 'threshold', 'ownThreshold', 'belowSince', 'monthlyPrice', 'currency'],
    run.write,
    (r) =>
      `${String(r.product).padEnd(44)} ${String(r.available).padStart(5)} of ${String(r.total).padEnd(6)} alert below ${r.threshold}${r.ownThreshold === null ? " (the organization's)" : ''}${r.belowSince ? `  BELOW since ${String(r.belowSince)}` : ''}${r.price ? `  ${String(r.price)} a seat a month` : ''}`,
  );
  for (const p of result.products)
    rows.row({
      partNumber: p.product.partNumber,
      product: p.product.displayName,
      total: p.total,
      assigned: p.assigned,
      available: p.available,
      threshold: p.threshold,
      ownThreshold: p.ownThreshold,
      belowSince: isLow(p) && p.belowSince ? p.belowSince.toISOString() : null,
      monthlyPrice: p.price ? p.price.minor / 10 ** currencyDigits(p.price.currency) : null,
      currency: p.price?.currency ?? null,
      price: p.price ? formatMoney(p.price) : null,
    });
  rows.end();
  summaryPrinter(
    run.format,
    run.print,
    run.problem,
  )(
    `Alerts go to ${result.channelId ? `the channel ${result.channelId}` : 'the Global, Billing and License admins by DM'}; weekly digest ${result.digest ? digestTime(result.digest) : 'off'}; the organization's seat warning: ${result.defaultThreshold > 0 ? `below ${result.defaultThreshold}` : 'off'}.`,
  );
  return EXIT.done;
}

async function changeAlerts(run: CommandRun, change: SeatAlertChange): Promise<number> {
  const result = await changeSeatAlerts(run.ctx, run.actor, change, { dryRun: dryRunOf(run) });
  if (!result.ok) return refuse(run.problem, result, { threshold: '<seats>', channel: '<channel>', digest: '<day> <hour>', product: '<product>' });
  const p = result.product;
  run.print(
    `${dry(run)}${result.summary}.${p ? ` ${p.product.displayName} has ${p.available} left${isLow(p) ? ': below already, so no alert until it is back up' : ''}.` : ''}`,
  );
  return EXIT.done;
}

async function price(run: CommandRun): Promise<number> {
  const [product = '', amount = '', currency] = run.args;
  if (amount.toLowerCase() !== 'none' && !currency)
    return usageError(run.problem, 'give the price with its currency', 'Usage: roster licenses price <product> <amount> <currency>, or <product> none');
  const result = await setPrice(run.ctx, run.actor, { product, amount, ...(currency ? { currency } : {}), dryRun: dryRunOf(run) });
  if (!result.ok) return refuse(run.problem, result, { amount: '<amount>', currency: '<currency>', product: '<product>' });
  const name = result.product.displayName;
  run.print(`${dry(run)}${result.price ? `${name} costs ${formatMoney(result.price)} a seat a month.` : `${name} has no price any more.`}`);
  return EXIT.done;
}

async function warn(run: CommandRun): Promise<number> {
  const result = await setSeatWarning(run.ctx, run.actor, run.args[0] ?? '');
  if (!result.ok) return refuse(run.problem, result, { threshold: '<seats>' });
  run.print(
    result.threshold > 0
      ? `The seat warning is now fewer than ${result.threshold} left: every product without its own threshold warns and alerts below it.`
      : 'The seat warning is off: only products with their own threshold alert.',
  );
  return EXIT.done;
}

async function keepDays(run: CommandRun): Promise<number> {
  const result = await setKeepDays(run.ctx, run.actor, run.args[0] ?? '', { dryRun: dryRunOf(run) });
  if (!result.ok) return refuse(run.problem, result, { keepDays: '<days>' });
  run.print(`${dry(run)}Users kept in the reclaim report are now left out for ${result.days} days (was ${result.before}).`);
  return EXIT.done;
}

async function inactiveDays(run: CommandRun): Promise<number> {
  const result = await setInactiveDays(run.ctx, run.actor, run.args[0] ?? '', { dryRun: dryRunOf(run) });
  if (!result.ok) return refuse(run.problem, result, { inactiveDays: '<days>' });
  run.print(
    `${dry(run)}Users not signed in for ${result.days} days (was ${result.before}) are now proposed in the reclaim report, on a connected Microsoft 365 tenant whose sign-in activity Roster reads.`,
  );
  return EXIT.done;
}

const PRODUCT = 'a part number (O365_BUSINESS_ESSENTIALS) or an unambiguous part of the name ("business basic")';

export const LICENSES_SEAT_COMMANDS: CommandSpec[] = [
  {
    path: ['licenses', 'warn'],
    summary: "the organization's seat warning: products without their own threshold warn and alert below it (Global admin)",
    args: '<seats>',
    positionals: { min: 1, max: 1 },
    details: '0 turns it off. A product already below counts as alerted: no alert until it is back up.',
    examples: ['roster licenses warn 5'],
    run: warn,
  },
  {
    path: ['licenses', 'alerts'],
    summary: "each product's seat alert threshold and state, where alerts go, and the weekly digest",
    args: '',
    positionals: { min: 0, max: 0 },
    output: true,
    examples: ['roster licenses alerts', 'roster licenses alerts --output json'],
    run: listAlerts,
  },
  {
    path: ['licenses', 'alerts', 'set'],
    summary: "a product's own seat alert: one alert each time a change takes it below <seats> left (Global or Billing admin)",
    args: '<product> <seats>',
    positionals: { min: 2, max: 2 },
    details: `<product> is ${PRODUCT}. 0: no alert for it.`,
    dryRun: true,
    examples: ['roster licenses alerts set "business basic" 3', 'roster licenses alerts set SPE_E3 0'],
    run: (run) => changeAlerts(run, { set: { product: run.args[0]!, seats: run.args[1]! } }),
  },
  {
    path: ['licenses', 'alerts', 'remove'],
    summary: "a product alerts at the organization's seat warning again",
    args: '<product>',
    positionals: { min: 1, max: 1 },
    dryRun: true,
    examples: ['roster licenses alerts remove "business basic"'],
    run: (run) => changeAlerts(run, { remove: { product: run.args[0]! } }),
  },
  {
    path: ['licenses', 'alerts', 'channel'],
    summary: 'where alerts and digests go: a channel id, or admins (a DM to each Global, Billing and License admin)',
    args: '<channel id|admins>',
    positionals: { min: 1, max: 1 },
    details: 'Roster must be in the channel to post there; when it cannot, the alert goes to the admins by DM.',
    dryRun: true,
    examples: ['roster licenses alerts channel C0123ABCD', 'roster licenses alerts channel admins'],
    run: (run) => changeAlerts(run, { channel: run.args[0]! }),
  },
  {
    path: ['licenses', 'alerts', 'digest'],
    summary: 'the weekly seat digest on a day at an hour (UTC), or off',
    args: '<day> <hour> | off',
    positionals: { min: 1, max: 2 },
    details: 'Organizations have no time zone in Roster: the hour is UTC. A digest missed while Roster was stopped goes at its next start, once.',
    dryRun: true,
    examples: ['roster licenses alerts digest monday 9', 'roster licenses alerts digest off'],
    run: (run) => changeAlerts(run, { digest: run.args.join(' ') }),
  },
  {
    path: ['licenses', 'price'],
    summary: 'what one seat of a product costs a month (or none), for the reclaim report and the digest (Global or Billing admin)',
    args: '<product> <amount> <currency> | <product> none',
    positionals: { min: 2, max: 3 },
    details: `<product> is ${PRODUCT}; <currency> an ISO 4217 code (EUR, USD…).`,
    dryRun: true,
    examples: ['roster licenses price "business basic" 6.00 EUR', 'roster licenses price SPE_E3 none'],
    run: price,
  },
  {
    path: ['licenses', 'reclaim', 'keep-days'],
    summary: 'how long a user kept in the reclaim report is not proposed again (1 to 365 days; 90 unless set)',
    args: '<days>',
    positionals: { min: 1, max: 1 },
    dryRun: true,
    examples: ['roster licenses reclaim keep-days 30'],
    run: keepDays,
  },
  {
    path: ['licenses', 'reclaim', 'inactive-days'],
    summary:
      'on a connected Microsoft 365 tenant whose sign-in activity is read: users not signed in for this many days are proposed (1 to 365; 90 unless set)',
    args: '<days>',
    positionals: { min: 1, max: 1 },
    dryRun: true,
    examples: ['roster licenses reclaim inactive-days 60'],
    run: inactiveDays,
  },
  {
    path: ['licenses', 'reclaim'],
    summary:
      'licensed users whose sign-in is blocked (or, on a connected tenant, who have not signed in for N days), with why and what their seats cost; --keep some, --confirm <count> to take the licenses of all',
    args: '[--keep <username>]... [--confirm <count>]',
    positionals: { min: 0, max: 0 },
    options: RECLAIM_OPTIONS,
    details:
      'Without --keep or --confirm it only lists. Deleted users hold no license (freed when deleted). On a connected Microsoft 365 tenant whose sign-in activity the sync reads (AuditLog.Read.All, Entra ID P1), users allowed to sign in who have not for N days (licenses reclaim inactive-days) are proposed too, but not those created less than N days ago. Exit 1 when some were not done.',
    dryRun: true,
    output: true,
    examples: [
      'roster licenses reclaim',
      'roster licenses reclaim --keep ana@contoso.com --keep bo',
      'roster licenses reclaim --confirm 12 --dry-run',
      'roster licenses reclaim --confirm 12',
    ],
    run: reclaimCommand,
  },
];
