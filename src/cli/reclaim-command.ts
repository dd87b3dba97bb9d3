import type { Actor, CoreContext } from '../core/context.js';
import type { JobRunner } from '../core/jobs/job-runner.js';
import { formatSums } from '../core/licenses/money.js';
import { queueReclaim, RECLAIM_JOB, reclaimJobResult, rehearseReclaim, runReclaimJob, type ReclaimResult } from '../core/licenses/reclaim-job.js';
import { inactivityNote, proposedWho, reclaimReport } from '../core/licenses/reclaim-report.js';
import { keepLicensedUsers } from '../core/licenses/reclaim-user.js';
import { fail, ok, type Result } from '../core/result.js';
import { cliSentence, EXIT, refuse, usageError } from './cli-kit.js';
import type { CommandRun, OptionSpec } from './command-tree.js';
import { RowWriter, summaryPrinter } from './output.js';
import { fullUsernames } from './resolve-users.js';

export const RECLAIM_OPTIONS: Record<string, OptionSpec> = {
  keep: {
    type: 'string',
    multiple: true,
    value: '<username>',
    help: 'keep this user: not proposed again for the keep time (90 days unless set); repeat for more',
  },
  confirm: {
    type: 'string',
    value: '<count>',
    help: 'take the licenses of every proposed user: the number the report lists (without it, nothing is taken)',
  },
};

const plural = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

/**
 * `roster licenses reclaim`: the report; `--keep` keeps users out of it; `--confirm <count>` takes
 * the licenses of all it proposes, as one job on this process's queue (`--dry-run` rehearses each).
 */
export async function reclaimCommand(run: CommandRun): Promise<number> {
  const dryRun = run.values['dry-run'] === true;
  const prefix = dryRun ? '(dry run) ' : '';
  const keep = Array.isArray(run.values.keep) ? run.values.keep : [];
  if (keep.length > 0) {
    const kept = await keepLicensedUsers(run.ctx, run.actor, { users: { usernames: await fullUsernames(run.ctx, run.actor, keep) }, dryRun });
    if (!kept.ok) return refuse(run.problem, kept, { users: '--keep' });
    run.problem(`${prefix}Kept ${kept.kept.join(', ')} until ${kept.until.toISOString().slice(0, 10)}: not proposed again until then.`);
  }
  const confirm = run.values.confirm;
  if (typeof confirm === 'string') {
    if (!/^\d+$/.test(confirm.trim())) return usageError(run.problem, `--confirm takes the number of users the report lists, not "${confirm}"`);
    const count = Number(confirm.trim());
    const result = dryRun ? await rehearseReclaim(run.ctx, run.actor, { count }) : await reclaimHere(run.ctx, run.jobs, run.actor, count);
    if (!result.ok) return refuse(run.problem, result);
    return printResult(run, result);
  }
  return printReport(run, keep.length > 0 && dryRun);
}

async function printReport(run: CommandRun, afterRehearsedKeep: boolean): Promise<number> {
  const report = await reclaimReport(run.ctx, run.actor);
  if (!report.ok) return refuse(run.problem, report);
  const rows = new RowWriter(
    run.format,
    ['userPrincipalName', 'displayName', 'reason', 'products', 'monthlyCost'],
    run.write,
    (r) =>
      `${String(r.userPrincipalName).padEnd(40)} ${String(r.reason).padEnd(40)} ${String(r.products)}${r.monthlyCost ? `  ${String(r.monthlyCost)} a month` : ''}`,
  );
  rows.rows(
    report.rows.map((r) => ({
      userPrincipalName: r.userPrincipalName,
      displayName: r.displayName,
      reason: r.why,
      products: r.products.map((p) => p.displayName).join('; '),
      monthlyCost: formatSums(r.monthly),
    })),
  );
  rows.end();
  const say = summaryPrinter(run.format, run.print, run.problem);
  const cost = formatSums(report.monthly);
  if (report.count === 0)
    say(
      report.inactivity.state === 'read'
        ? `Nobody to propose: every licensed user may sign in and has within ${report.inactivity.days} days (or is new, or kept).`
        : 'Nobody to propose: no licensed user has their sign-in blocked (but those kept).',
    );
  else
    say(
      `${proposedWho(report)} ${report.count === 1 ? 'holds' : 'hold'} ${plural(report.seats, 'license')}${cost ? ` (${cost} a month)` : ''}${
        report.unpriced.length ? `; no price for ${report.unpriced.map((p) => p.displayName).join(', ')} (roster licenses price)` : ''
      }.${afterRehearsedKeep ? ' (The users kept in the dry run are still listed.)' : ''}`,
    );
  for (const k of report.kept) say(`Kept: ${k.userPrincipalName} until ${k.keptUntil.toISOString().slice(0, 10)}`);
  say(inactivityNote(report.inactivity, (at) => at.toISOString()));
  if (report.count > 0 && report.canReclaim) say(`To take them all: roster licenses reclaim --confirm ${report.rows.length}`);
  return EXIT.done;
}

function printResult(run: CommandRun, result: ReclaimResult): number {
  const prefix = result.dryRun ? '(dry run) ' : '';
  if (run.format === 'text') {
    for (const d of result.done) run.print(`${prefix}reclaimed  ${d.userPrincipalName}  ${d.products.map((p) => p.displayName).join(', ')}`);
    for (const n of result.notDone) run.problem(`not done   ${n.userPrincipalName}: ${cliSentence(n.reason)}`);
  } else {
    const rows = new RowWriter(run.format, ['userPrincipalName', 'done', 'reason', 'products'], run.write, () => '');
    rows.rows(
      result.done.map((d) => ({ userPrincipalName: d.userPrincipalName, done: true, reason: null, products: d.products.map((p) => p.displayName).join('; ') })),
    );
    rows.rows(result.notDone.map((n) => ({ userPrincipalName: n.userPrincipalName, done: false, reason: cliSentence(n.reason), products: null })));
    rows.end();
  }
  const seats = result.freed.reduce((sum, f) => sum + f.seats, 0);
  const cost = formatSums(result.monthly);
  summaryPrinter(
    run.format,
    run.print,
    run.problem,
  )(
    `${prefix}Reclaimed ${plural(seats, 'license')} from ${plural(result.done.length, 'user')}${cost ? ` (${cost} a month)` : ''}; ${result.notDone.length} not done.`,
  );
  return result.notDone.length > 0 ? EXIT.refused : EXIT.done;
}

/** A confirmed reclaim is a job on this process's own queue, run here (listed by `roster jobs`, a user a savepoint). */
async function reclaimHere(ctx: CoreContext, jobs: JobRunner, actor: Actor, count: number): Promise<Result<ReclaimResult>> {
  const queued = await queueReclaim(ctx, actor, { count }, { queue: `cli:${ctx.instanceId}` });
  if (!queued.ok) return queued;
  jobs.register({ kind: RECLAIM_JOB, run: (job) => runReclaimJob(ctx, job) });
  const ended = await jobs.runNow(queued.jobId);
  if (ended.status !== 'succeeded') return fail('conflict', `The reclaim stopped (${ended.status}): ${ended.error ?? 'see roster jobs'}.`);
  return ok(await reclaimJobResult(ctx, queued.jobId));
}
