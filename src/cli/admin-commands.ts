import { checkConsistency, isConsistent } from '../core/health/check-consistency.js';
import { addImportChannel, listImportChannels, removeImportChannel } from '../core/imports/import-channels.js';
import { cancelJob, listJobs } from '../core/jobs/list-jobs.js';
import { listInstallations } from '../core/workspaces/slack-installations.js';
import { EXIT, refuse } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { RowWriter } from './output.js';

/** `roster check`: recomputes every invariant from the rows (seats, search index, Global admins); exit 1 on any difference. */
async function check(run: CommandRun): Promise<number> {
  const { print } = run;
  const report = await checkConsistency(run.ctx);
  if (report.seats.length === 0) print("Seats: every product's assigned count matches its license assignments, and none is over its total.");
  for (const d of report.seats) {
    print(`${d.partNumber} in organization ${d.tenantId}: the pool says ${d.recorded} assigned of ${d.total}; the assignments count ${d.counted}.`);
  }
  const { termsOfInactiveUsers, usersIndexedWrongly } = report.searchIndex;
  if (termsOfInactiveUsers === 0 && usersIndexedWrongly === 0) print('Search: every active user is indexed by their name and username, and nobody else is.');
  if (termsOfInactiveUsers > 0) print(`Search: ${termsOfInactiveUsers} terms belong to deleted or removed users.`);
  if (usersIndexedWrongly > 0) print(`Search: ${usersIndexedWrongly} active users are not indexed by their current name and username.`);
  if (report.withoutGlobalAdmin.length === 0) print('Global admins: every organization has one who can sign in.');
  else print(`Global admins: no Global admin can sign in to the organization of workspace ${report.withoutGlobalAdmin.join(', ')}.`);
  if (isConsistent(report)) return EXIT.done;
  const count = report.seats.length + (termsOfInactiveUsers > 0 ? 1 : 0) + (usersIndexedWrongly > 0 ? 1 : 0) + report.withoutGlobalAdmin.length;
  print(`${count} difference${count === 1 ? '' : 's'} found.`);
  return EXIT.refused;
}

/** `roster jobs`: what `/users jobs` shows, one job a line (tab separated). */
async function jobs(run: CommandRun): Promise<number> {
  const result = await listJobs(run.ctx, run.actor, 50);
  if (!result.ok) return refuse(run.problem, result);
  const fields = ['id', 'what', 'status', 'progress', 'requestedBy', 'createdAt', 'error'];
  const rows = new RowWriter(run.format, fields, run.write, (r) =>
    fields
      .map((f) => r[f] ?? '')
      .join('\t')
      .trimEnd(),
  );
  rows.rows(
    result.jobs.map((job) => ({
      id: job.id,
      what: job.what,
      status: job.status,
      progress: job.progress ?? null,
      requestedBy: job.requestedBy,
      createdAt: job.createdAt.toISOString(),
      error: job.error ?? null,
    })),
  );
  if (rows.end() === 0 && run.format === 'text') run.print('No jobs.');
  return EXIT.done;
}

async function cancel(run: CommandRun): Promise<number> {
  const result = await cancelJob(run.ctx, run.actor, run.args[0]!);
  if (!result.ok) return refuse(run.problem, result);
  run.print(result.how === 'cancelled' ? `${result.job}: cancelled before it started.` : `${result.job}: stopping at its next step.`);
  return EXIT.done;
}

async function channels(run: CommandRun): Promise<number> {
  const listed = await listImportChannels(run.ctx, run.actor);
  if (!listed.ok) return refuse(run.problem, listed);
  const rows = new RowWriter(run.format, ['channelId', 'addedBy', 'createdAt'], run.write, (r) => `${r.channelId}  added by ${r.addedBy} on ${r.createdAt}`);
  rows.rows(listed.channels.map((c) => ({ channelId: c.channelId, addedBy: c.addedBy, createdAt: String(c.createdAt) })));
  if (rows.end() === 0 && run.format === 'text') run.print('No import channels: files are verified only in the DM with Roster, or with roster import.');
  return EXIT.done;
}

async function channel(run: CommandRun, add: boolean): Promise<number> {
  const channelId = run.args[0]!;
  if (add) {
    const added = await addImportChannel(run.ctx, run.actor, channelId);
    if (!added.ok) return refuse(run.problem, added);
    run.print(added.added ? `${channelId} is now an import channel.` : `${channelId} already was an import channel.`);
  } else {
    const removed = await removeImportChannel(run.ctx, run.actor, channelId);
    if (!removed.ok) return refuse(run.problem, removed);
    run.print(removed.removed ? `${channelId} is no longer an import channel.` : `${channelId} was not an import channel.`);
  }
  return EXIT.done;
}

/** `roster workspaces`: the workspaces Roster was installed in through Slack's OAuth flow, and their organizations (the values of --workspace). */
async function workspaces(run: CommandRun): Promise<number> {
  const fields = ['teamId', 'teamName', 'organization', 'installedBy', 'installedAt'];
  const rows = new RowWriter(
    run.format,
    fields,
    run.write,
    (r) => `${r.teamId}  ${r.teamName}: ${r.organization ?? 'no organization yet (/users setup)'}, installed by ${r.installedBy} on ${r.installedAt}`,
  );
  rows.rows((await listInstallations(run.ctx)).map((i) => ({ ...i, installedAt: i.installedAt.toISOString() })));
  if (rows.end() === 0 && run.format === 'text')
    run.print("No workspace installed Roster through Slack's install page (with SLACK_BOT_TOKEN, Roster serves that token's one workspace).");
  return EXIT.done;
}

export const ADMIN_COMMANDS: CommandSpec[] = [
  {
    path: ['workspaces'],
    summary: "the workspaces that installed Roster through Slack's install page (many workspaces), with their organizations",
    args: '',
    positionals: { min: 0, max: 0 },
    output: true,
    noWorkspace: true,
    examples: ['roster workspaces', 'roster workspaces --output json'],
    run: workspaces,
  },
  {
    path: ['check'],
    summary: 'recompute seats, the search index and the Global admins from the rows; exit 1 on a difference',
    args: '',
    positionals: { min: 0, max: 0 },
    noWorkspace: true,
    examples: ['roster check'],
    run: check,
  },
  {
    path: ['jobs'],
    summary: 'running and recent jobs (imports, edit many, exports, license changes)',
    args: '',
    positionals: { min: 0, max: 0 },
    output: true,
    examples: ['roster jobs', 'roster jobs --output json'],
    run: jobs,
  },
  {
    path: ['jobs', 'cancel'],
    summary: 'cancel a job you started (a running one stops at its next step)',
    args: '<job id>',
    positionals: { min: 1, max: 1 },
    examples: ['roster jobs cancel 01J9Z…'],
    run: cancel,
  },
  {
    path: ['import-channel', 'list'],
    summary: 'the channels where shared CSV files are verified',
    args: '',
    positionals: { min: 0, max: 0 },
    output: true,
    examples: ['roster import-channel list'],
    run: channels,
  },
  {
    path: ['import-channel', 'add'],
    summary: 'verify CSV files shared in this channel',
    args: '<channel id>',
    positionals: { min: 1, max: 1 },
    examples: ['roster import-channel add C0123ABCD'],
    run: (run) => channel(run, true),
  },
  {
    path: ['import-channel', 'remove'],
    summary: 'stop verifying files shared in this channel',
    args: '<channel id>',
    positionals: { min: 1, max: 1 },
    examples: ['roster import-channel remove C0123ABCD'],
    run: (run) => channel(run, false),
  },
];
