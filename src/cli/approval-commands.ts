import { setApprovalPolicy, showApprovalPolicy, type ApprovalPolicyInput } from '../core/approvals/approval-policy.js';
import { approveRequest } from '../core/approvals/approve-request.js';
import { stateWords } from '../core/approvals/approval-requests.js';
import { cancelRequest } from '../core/approvals/cancel-request.js';
import { denyRequest } from '../core/approvals/deny-request.js';
import { listApprovalRequests, showApprovalRequest } from '../core/approvals/list-requests.js';
import { cliSentence, EXIT, refuse, usageError } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { RowWriter } from './output.js';

const DRY = '(dry run, nothing written) ';
const onOff = (value: unknown, flag: string): boolean | undefined | string => {
  if (value === undefined) return undefined;
  const text = String(value).trim().toLowerCase();
  if (['on', 'yes', 'true'].includes(text)) return true;
  if (['off', 'no', 'false'].includes(text)) return false;
  return `${flag} takes on or off, not "${String(value)}"`;
};

/** `roster policy`: which changes need a second admin's approval (any admin role). */
async function policyShow(run: CommandRun): Promise<number> {
  const result = await showApprovalPolicy(run.ctx, run.actor);
  if (!result.ok) return refuse(run.problem, result);
  const p = result.policy;
  const rows = new RowWriter(run.format, ['roleGrants', 'deletes', 'purges', 'bulkAbove', 'seatsAbove', 'validHours', 'updatedBy'], run.write, () =>
    [
      result.lines.length ? `Need a second admin's approval: ${result.lines.join('; ')}.` : "No change needs a second admin's approval.",
      `A request stays valid ${p.validHours} hours.`,
    ].join('\n'),
  );
  rows.rows([
    {
      roleGrants: p.roleGrants,
      deletes: p.deletes,
      purges: p.purges,
      bulkAbove: p.bulkAbove,
      seatsAbove: p.seatsAbove,
      validHours: p.validHours,
      updatedBy: p.updatedBy,
    },
  ]);
  rows.end();
  return EXIT.done;
}

/** `roster policy set [--role-grants on|off] [--deletes on|off] [--purges on|off] [--bulk-above N|off] [--seats-above N|off] [--valid-hours H]` (Global admins). */
async function policySet(run: CommandRun): Promise<number> {
  const input: ApprovalPolicyInput = {};
  for (const [flag, key] of [
    ['role-grants', 'roleGrants'],
    ['deletes', 'deletes'],
    ['purges', 'purges'],
  ] as const) {
    const value = onOff(run.values[flag], `--${flag}`);
    if (typeof value === 'string') return usageError(run.problem, value);
    if (value !== undefined) input[key] = value;
  }
  for (const [flag, key] of [
    ['bulk-above', 'bulkAbove'],
    ['seats-above', 'seatsAbove'],
    ['valid-hours', 'validHours'],
  ] as const)
    if (typeof run.values[flag] === 'string') input[key] = run.values[flag] as string;
  if (Object.keys(input).length === 0) return usageError(run.problem, 'say what to change', 'See `roster policy set --help`.');
  const dryRun = run.values['dry-run'] === true;
  const result = await setApprovalPolicy(run.ctx, run.actor, input, { dryRun });
  if (!result.ok) return refuse(run.problem, result, { bulkAbove: '--bulk-above', seatsAbove: '--seats-above', validHours: '--valid-hours' });
  run.print(
    `${dryRun ? DRY : ''}${result.lines.length ? `Need a second admin's approval: ${result.lines.join('; ')}.` : "No change needs a second admin's approval."} A request stays valid ${result.policy.validHours} hours.`,
  );
  return EXIT.done;
}

/** `roster approvals [--all]`: the pending requests you made or may decide (`--all`: the decided ones too). */
async function list(run: CommandRun): Promise<number> {
  const all = run.values.all === true;
  const result = await listApprovalRequests(run.ctx, run.actor, { ...(all ? { ended: true, limit: 200 } : {}) });
  if (!result.ok) return refuse(run.problem, result);
  const open = all ? await listApprovalRequests(run.ctx, run.actor) : null;
  const requests = [...(open?.ok ? open.requests : []), ...result.requests];
  const rows = new RowWriter(run.format, ['id', 'change', 'what', 'requestedBy', 'status', 'expiresAt', 'youMay', 'details'], run.write, (r) =>
    [
      `${r.id}  ${r.change}: ${r.what}  (by ${r.requestedBy}; ${r.status}${r.status === 'Pending approval' ? ` until ${r.expiresAt}` : ''})${r.youMay ? `  you may ${r.youMay}` : ''}`,
      ...String(r.details)
        .split('\n')
        .map((l) => `    ${l}`),
    ].join('\n'),
  );
  rows.rows(
    requests.map((r) => ({
      id: r.id,
      change: r.what,
      what: r.summary.title,
      requestedBy: r.requestedBy,
      status: stateWords(r),
      expiresAt: r.expiresAt.toISOString(),
      youMay: r.canDecide ? 'approve or deny' : r.canCancel ? 'cancel' : '',
      details: r.summary.lines.join('\n'),
    })),
  );
  rows.end();
  if (run.format === 'text' && requests.length === 0) run.print('No request waits for you.');
  return EXIT.done;
}

/** `roster approvals approve <id>`: approves, then makes the change here, as its own job, and says how it went. */
async function approve(run: CommandRun): Promise<number> {
  const dryRun = run.values['dry-run'] === true;
  const id = run.args[0] ?? '';
  const result = await approveRequest(run.ctx, run.actor, id, { queue: `cli:${run.ctx.instanceId}`, dryRun });
  if (!result.ok) return refuse(run.problem, result, {}, `request ${id}: `);
  if (dryRun) {
    run.print(`${DRY}You may approve request ${result.request.id}: ${result.request.what}: ${result.request.summary.title}.`);
    return EXIT.done;
  }
  await run.jobs.runNow(result.runJobId);
  const after = await showApprovalRequest(run.ctx, run.actor, id);
  const state = after.ok ? after.request : result.request;
  const said = `Request ${state.id} (${state.what}: ${state.summary.title}): ${cliSentence(stateWords(state))}`;
  if (state.status === 'failed') {
    run.problem(`error: ${said}`);
    return EXIT.refused;
  }
  run.print(said);
  return EXIT.done;
}

/** `roster approvals deny <id> [--reason <text>]`. */
async function deny(run: CommandRun): Promise<number> {
  const dryRun = run.values['dry-run'] === true;
  const reason = typeof run.values.reason === 'string' ? run.values.reason : null;
  const result = await denyRequest(run.ctx, run.actor, run.args[0] ?? '', reason, { dryRun });
  if (!result.ok) return refuse(run.problem, result, { reason: '--reason' });
  run.print(`${dryRun ? DRY : ''}Denied request ${result.request.id} (${result.request.what}: ${result.request.summary.title}); the requester is told.`);
  return EXIT.done;
}

/** `roster approvals cancel <id>`: your own pending request. */
async function cancel(run: CommandRun): Promise<number> {
  const dryRun = run.values['dry-run'] === true;
  const result = await cancelRequest(run.ctx, run.actor, run.args[0] ?? '', { dryRun });
  if (!result.ok) return refuse(run.problem, result);
  run.print(`${dryRun ? DRY : ''}Cancelled request ${result.request.id}: nothing changes.`);
  return EXIT.done;
}

const POLICY_DETAILS =
  'A change the policy covers becomes a request instead of running: another admin allowed to make it approves it (roster approvals approve <id>, or the DM in Slack). Nobody approves their own.';

export const APPROVAL_COMMANDS: CommandSpec[] = [
  {
    path: ['policy'],
    summary: "which changes need a second admin's approval, and how long a request stays valid",
    args: '',
    positionals: { min: 0, max: 0 },
    details: POLICY_DETAILS,
    output: true,
    examples: ['roster policy', 'roster policy --output json'],
    run: policyShow,
  },
  {
    path: ['policy', 'set'],
    summary: "set which changes need a second admin's approval (Global admins)",
    args: '[--role-grants on|off] [--deletes on|off] [--purges on|off] [--bulk-above <n>|off] [--seats-above <n>|off] [--valid-hours <h>]',
    positionals: { min: 0, max: 0 },
    options: {
      'role-grants': { type: 'string', value: 'on|off', help: 'giving an admin role (Edit user) needs approval' },
      deletes: { type: 'string', value: 'on|off', help: 'deleting users needs approval' },
      purges: { type: 'string', value: 'on|off', help: 'deleting a deleted user permanently needs approval' },
      'bulk-above': { type: 'string', value: '<n>|off', help: 'an import or Edit many of more than n users needs approval' },
      'seats-above': { type: 'string', value: '<n>|off', help: 'buying more than n seats at once needs approval' },
      'valid-hours': { type: 'string', value: '<h>', help: 'hours a request waits before it expires (1 to 720; 24 unless set)' },
    },
    details: POLICY_DETAILS,
    dryRun: true,
    examples: [
      'roster policy set --deletes on --role-grants on',
      'roster policy set --bulk-above 50 --seats-above 20 --valid-hours 48',
      'roster policy set --bulk-above off',
    ],
    run: policySet,
  },
  {
    path: ['approvals'],
    summary: 'the approval requests waiting: yours, and those you may approve or deny',
    args: '[--all]',
    positionals: { min: 0, max: 0 },
    options: { all: { type: 'boolean', help: 'also the requests decided, expired or cancelled' } },
    output: true,
    examples: ['roster approvals', 'roster approvals --all --output json'],
    run: list,
  },
  {
    path: ['approvals', 'approve'],
    summary: 'approve a request (not your own): the change is made at once, as the requester, and checked again',
    args: '<id>',
    positionals: { min: 1, max: 1 },
    dryRun: true,
    examples: ['roster approvals approve 3f9a0c12d4'],
    run: approve,
  },
  {
    path: ['approvals', 'deny'],
    summary: 'deny a request: nothing changes; the requester is told (with the reason)',
    args: '<id> [--reason <text>]',
    positionals: { min: 1, max: 1 },
    options: { reason: { type: 'string', value: '<text>', help: 'why, told to the requester (at most 500 characters)' } },
    dryRun: true,
    examples: ['roster approvals deny 3f9a0c12d4 --reason "not before the training"'],
    run: deny,
  },
  {
    path: ['approvals', 'cancel'],
    summary: 'cancel your own pending request',
    args: '<id>',
    positionals: { min: 1, max: 1 },
    dryRun: true,
    examples: ['roster approvals cancel 3f9a0c12d4'],
    run: cancel,
  },
];
