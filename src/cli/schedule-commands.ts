import { scheduleOffboarding } from '../core/schedules/offboarding.js';
import { cancelledWhat, cancelScheduledChange, listScheduledChanges } from '../core/schedules/scheduled-changes.js';
import { changeStartDate } from '../core/schedules/change-start.js';
import { EXIT, refuse, usageError } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { RowWriter } from './output.js';

const DRY = '(dry run, nothing written) ';
const FLAGS = { lastDay: '--last-day', deleteAfterDays: '--delete-after', user: '<username>' };

/** `roster users offboard <user> --last-day YYYY-MM-DD [--delete-after N] [--change <id>]`: schedules (or changes) an offboarding. */
async function offboard(run: CommandRun): Promise<number> {
  const lastDay = run.values['last-day'];
  if (typeof lastDay !== 'string') return usageError(run.problem, '--last-day <YYYY-MM-DD> is required', 'See `roster users offboard --help`.');
  const dryRun = run.values['dry-run'] === true;
  const deleteAfter = run.values['delete-after'];
  const change = run.values.change;
  const result = await scheduleOffboarding(run.ctx, run.actor, {
    user: { username: run.args.join(' ') },
    lastDay,
    deleteAfterDays: typeof deleteAfter === 'string' ? deleteAfter : null,
    dryRun,
    ...(typeof change === 'string' ? { replacing: change } : {}),
  });
  if (!result.ok) return refuse(run.problem, result, FLAGS);
  run.print(
    `${dryRun ? DRY : ''}${result.userPrincipalName} is offboarded on ${result.lastDay} at ${result.runAt.toISOString()} (the organization's hour in ${result.timeZone}): sign-in blocked, password reset, licenses removed${result.deleteAfterDays ? `, deleted ${result.deleteAfterDays} days later` : ''}.${dryRun ? '' : ` Scheduled change ${result.jobId}; \`roster users scheduled --cancel ${result.jobId}\` cancels it.`}`,
  );
  return EXIT.done;
}

/** `roster users scheduled [--cancel <id>]`: the scheduled changes not run yet, or one cancelled. */
async function scheduled(run: CommandRun): Promise<number> {
  const cancel = run.values.cancel;
  const changing = run.values.change;
  const startDate = run.values['start-date'];
  const dryRun = run.values['dry-run'] === true;
  if (typeof cancel === 'string' && typeof changing === 'string') return usageError(run.problem, '--cancel and --change go one at a time');
  if (typeof cancel === 'string') {
    const result = await cancelScheduledChange(run.ctx, run.actor, cancel, { dryRun });
    if (!result.ok) return refuse(run.problem, result);
    run.print(`${dryRun ? DRY : ''}Cancelled the ${cancelledWhat(result.change)}.`);
    return EXIT.done;
  }
  if (typeof changing === 'string') {
    if (typeof startDate !== 'string')
      return usageError(
        run.problem,
        '--change <id> needs --start-date <YYYY-MM-DD>',
        'An offboarding changes with `roster users offboard <user> --change <id>`.',
      );
    const result = await changeStartDate(run.ctx, run.actor, changing, startDate, { dryRun });
    if (!result.ok) return refuse(run.problem, result, { startDate: '--start-date' });
    run.print(
      `${dryRun ? DRY : ''}${result.userPrincipalName} starts on ${result.startDate} at ${result.runAt.toISOString()} (${result.timeZone}).${dryRun ? '' : ` Scheduled change ${result.jobId}.`}`,
    );
    return EXIT.done;
  }
  if (typeof startDate === 'string') return usageError(run.problem, '--start-date goes with --change <id>');
  if (dryRun) return usageError(run.problem, '--dry-run goes with --cancel <id> or --change <id>');
  const result = await listScheduledChanges(run.ctx, run.actor, Number.MAX_SAFE_INTEGER);
  if (!result.ok) return refuse(run.problem, result);
  const rows = new RowWriter(run.format, ['id', 'change', 'user', 'lastDay', 'deleteAfterDays', 'runAt', 'requestedBy', 'status'], run.write, (r) =>
    [
      `${r.id}  ${r.change} ${r.user} at ${r.runAt}${r.change === 'offboard' ? ` (last day ${r.lastDay}${r.deleteAfterDays ? `, delete after ${r.deleteAfterDays} days` : ''})` : r.change === 'start' ? ` (start date ${r.lastDay})` : ''}`,
      `  by ${r.requestedBy}; ${r.status}`,
    ].join('\n'),
  );
  rows.rows(
    result.changes.map((c) => ({
      id: c.id,
      change: c.kind,
      user: c.userPrincipalName,
      lastDay: c.lastDay,
      deleteAfterDays: c.deleteAfterDays,
      runAt: c.runAt.toISOString(),
      requestedBy: c.requestedBy,
      status: c.running ? 'running' : 'scheduled',
    })),
  );
  rows.end();
  if (run.format === 'text' && result.changes.length === 0)
    run.print(`Nothing is scheduled. Scheduled changes run at ${String(result.hour).padStart(2, '0')}:00 ${result.timeZone}.`);
  return EXIT.done;
}

export const SCHEDULE_COMMANDS: CommandSpec[] = [
  {
    path: ['users', 'offboard'],
    summary: "schedule a user's offboarding on their last day: sign-in blocked, password reset, licenses removed, optionally deleted N days later",
    args: '<username> --last-day <YYYY-MM-DD>',
    positionals: { min: 1, max: 1 },
    options: {
      'last-day': { type: 'string', value: '<YYYY-MM-DD>', help: "the last day, in the organization's time zone (it runs at the set hour that day)" },
      'delete-after': { type: 'string', value: '<days>', help: 'also delete the user this many days after the last day (1 to 365)' },
      change: { type: 'string', value: '<id>', help: 'change this scheduled offboarding of the user instead (from roster users scheduled)' },
    },
    details:
      'Needs the roles of every part (block, reset passwords, licenses; delete with --delete-after), checked now and again when it runs. It runs once, at the next start when Roster was stopped at that moment. The app must run for it to happen: it runs on the app.',
    required: ['last-day'],
    dryRun: true,
    examples: ['roster users offboard ana --last-day 2027-03-31', 'roster users offboard ana --last-day 2027-03-31 --delete-after 30 --dry-run'],
    run: offboard,
  },
  {
    path: ['users', 'scheduled'],
    summary:
      "the scheduled changes not run yet (offboardings, deletes after them, new users' starts); --cancel <id> cancels one, --change <id> --start-date moves a start",
    args: '[--cancel <id> | --change <id> --start-date <YYYY-MM-DD>]',
    positionals: { min: 0, max: 0 },
    options: {
      cancel: {
        type: 'string',
        value: '<id>',
        help: 'cancel this scheduled change (needs the roles of the change itself); a start cancelled leaves the account blocked, without a license or a password anyone knows',
      },
      change: { type: 'string', value: '<id>', help: 'move this scheduled start to --start-date (an offboarding changes with roster users offboard --change)' },
      'start-date': { type: 'string', value: '<YYYY-MM-DD>', help: "the new start date, in the organization's time zone (today: now)" },
    },
    details: 'The lastDay column holds the day of the change: the last day of an offboarding, the start date of a start.',
    output: true,
    dryRun: true,
    examples: [
      'roster users scheduled',
      'roster users scheduled --output json',
      'roster users scheduled --cancel 01J…',
      'roster users scheduled --change 01J… --start-date 2027-03-08',
    ],
    run: scheduled,
  },
];
