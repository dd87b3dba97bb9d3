import { checkConnection, confirmConnection, type ConnectPlan } from '../core/microsoft/connect-organization.js';
import { adminRolesSentence, connectionStatus } from '../core/microsoft/connection-status.js';
import { disconnectOrganization } from '../core/microsoft/disconnect-organization.js';
import { requestSync } from '../core/microsoft/sync-request.js';
import { linkMemberByHand } from '../core/microsoft/link-members.js';
import { CREATE_MISSING_JOB, createMissingResult, runCreateMissing, type NewPasswordKeeper } from '../core/microsoft/create-missing-job.js';
import type { JobRecord } from '../domain/jobs.js';
import { cliSentence, EXIT, readInput, refuse, usageError, type Print } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { RowWriter } from './output.js';

const FLAGS = { tenant: '--tenant', clientId: '--client-id', clientSecret: '--client-secret-file', missing: '--create-missing or --leave-out' };

/** What connecting will do, as `roster connect` prints it before doing it. */
export function printPlan(plan: ConnectPlan, print: Print): void {
  const { users } = plan;
  print(`${plan.tenantName} (tenant ${plan.microsoftTenantId}): ${plan.domains.length} domains (${plan.domains.join(', ')}), ${plan.products} products.`);
  print(`Users of Roster's directory found in the tenant by username: ${users.matched} (they become those users; Slack links and roles are kept).`);
  if (users.leftOutCount === 0) return;
  print(
    `Not in the tenant: ${users.leftOutCount} (--create-missing: created in the tenant, each with a new temporary password; --leave-out: deleted in Roster at the first sync):`,
  );
  for (const user of users.leftOut) print(`  ${user.userPrincipalName}  ${user.displayName}${user.isGlobalAdmin ? '  (Global admin)' : ''}`);
  if (users.leftOutCount > users.leftOut.length) print(`  … and ${users.leftOutCount - users.leftOut.length} more`);
}

/** A sync run here: what it read, or why it stopped. */
function printSync(job: JobRecord, print: Print, problem: Print): number {
  if (job.status !== 'succeeded') {
    problem(`error: the sync ${job.status === 'cancelled' ? 'was cancelled' : 'failed'}: ${job.error ?? 'see roster jobs'}`);
    return EXIT.refused;
  }
  const r = job.result ?? {};
  if (typeof r.skipped === 'string') {
    print(`Another sync of this organization is at work (${r.skipped}); nothing more to do here.`);
    return EXIT.done;
  }
  print(
    `Synced: ${Number(r.users ?? 0)} users read (${Number(r.added ?? 0)} added, ${Number(r.changed ?? 0)} changed, ${Number(r.removed ?? 0)} removed), ${Number(r.products ?? 0)} products, ${Number(r.domains ?? 0)} domains.`,
  );
  return EXIT.done;
}

async function status(run: CommandRun): Promise<number> {
  const result = await connectionStatus(run.ctx, run.actor);
  if (!result.ok) return refuse(run.problem, result);
  const c = result.connection;
  const rows = new RowWriter(
    run.format,
    [
      'organization',
      'directory',
      'tenant',
      'tenantId',
      'clientId',
      'connectedAt',
      'lastSyncAt',
      'lastSyncError',
      'syncing',
      'adminRoles',
      'adminRolesReadAt',
      'adminRolesMissing',
      'signInReadAt',
      'signInProblem',
    ],
    run.write,
    (row) =>
      row.directory === 'embedded'
        ? `${row.organization}: Roster's own directory (not connected to Microsoft 365).`
        : [
            `${row.organization}: connected to Microsoft 365 tenant ${row.tenant} (${row.tenantId}), app ${row.clientId}`,
            `  connected:  ${row.connectedAt}`,
            `  last sync:  ${row.lastSyncAt ?? 'not yet'}${row.syncing ? ' (a sync is at work now)' : ''}`,
            ...(row.lastSyncError ? [`  last error: ${row.lastSyncError}`] : []),
            `  admin roles: ${c ? adminRolesSentence(c.adminRoles, (at) => at.toISOString()) : ''}`,
            `  sign-in activity: ${
              row.signInProblem
                ? `not read: ${row.signInProblem}`
                : row.signInReadAt
                  ? `read at each sync, every few hours (last read ${row.signInReadAt})`
                  : 'not read yet (the next sync reads it)'
            }`,
          ].join('\n'),
  );
  rows.row({
    organization: result.organizationName,
    directory: c ? 'microsoft365' : 'embedded',
    tenant: c?.tenantName ?? null,
    tenantId: c?.microsoftTenantId ?? null,
    clientId: c?.clientId ?? null,
    connectedAt: c?.connectedAt?.toISOString() ?? null,
    lastSyncAt: c?.lastSyncAt?.toISOString() ?? null,
    lastSyncError: c?.lastSyncError ?? null,
    syncing: c?.syncing ?? false,
    adminRoles: c ? (c.adminRoles.state === 'read' ? 'read' : c.adminRoles.state === 'unread' ? 'not_read' : 'not_yet') : null,
    adminRolesReadAt:
      c?.adminRoles.state === 'read'
        ? c.adminRoles.at.toISOString()
        : c?.adminRoles.state === 'unread'
          ? (c.adminRoles.lastReadAt?.toISOString() ?? null)
          : null,
    adminRolesMissing: c?.adminRoles.state === 'unread' ? c.adminRoles.missing : null,
    signInReadAt: c?.signInActivity.readAt?.toISOString() ?? null,
    signInProblem: c?.signInActivity.problem ?? null,
  });
  rows.end();
  return EXIT.done;
}

/**
 * `roster connect`: checks the tenant, prints what connecting will do, connects (refused while
 * users would be left out unless --leave-out says so), then runs the first sync in this process.
 */
async function connect(run: CommandRun): Promise<number> {
  const { values } = run;
  if (values.status === true) return status(run);
  const absent = ['tenant', 'client-id', 'client-secret-file'].filter((name) => typeof values[name] !== 'string');
  if (absent.length > 0)
    return usageError(run.problem, `roster connect needs ${absent.map((m) => `--${m}`).join(' and ')} (or --status)`, 'See `roster connect --help`.');
  let clientSecret: string;
  try {
    clientSecret = readInput(String(values['client-secret-file'])).trim();
  } catch (error) {
    return usageError(run.problem, `--client-secret-file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const dryRun = values['dry-run'] === true;
  if (values['leave-out'] === true && values['create-missing'] === true)
    return usageError(run.problem, '--create-missing and --leave-out cannot go together: the users not in the tenant are created there, or left out');
  const missing = values['create-missing'] === true ? 'create' : values['leave-out'] === true ? 'leave_out' : null;
  const input = { tenant: String(values.tenant), clientId: String(values['client-id']), clientSecret };
  const checked = await checkConnection(run.ctx, run.actor, run.secretKey(), input, { dryRun, missingChosen: missing !== null });
  if (!checked.ok) return refuse(run.problem, checked, FLAGS);
  printPlan(checked.plan, run.print);
  if (dryRun) {
    run.print('(dry run) Nothing was connected.');
    return EXIT.done;
  }
  if (!checked.saved) {
    run.problem(
      `error: ${checked.plan.users.leftOutCount} users of Roster's directory are not in ${checked.plan.tenantName}. Run again with --create-missing to create them in the tenant, or with --leave-out to connect without them.`,
    );
    return EXIT.refused;
  }
  const queue = `cli:${run.ctx.instanceId}` as const;
  const confirmed = await confirmConnection(run.ctx, run.actor, { checkedAt: checked.plan.checkedAt, missing }, { queue, maxAttempts: 1 });
  if (!confirmed.ok) return refuse(run.problem, confirmed, FLAGS);
  run.print(`Connected ${checked.plan.organizationName} to ${confirmed.tenantName}.`);
  let syncJobId = confirmed.syncJobId;
  if (confirmed.createJobId) {
    const created = await createHere(run, confirmed.createJobId);
    if (created.syncJobId === null) return EXIT.refused;
    syncJobId = created.syncJobId;
  }
  run.print('The first sync reads every user now…');
  return printSync(await run.jobs.runNow(syncJobId!), run.print, run.problem);
}

/**
 * Connect → create the users not in the tenant, here: the job runs in this process; each new
 * temporary password is kept in memory (never stored, never logged) and printed once, as
 * `roster users reset-password` does. Returns the first sync the job queued.
 */
async function createHere(run: CommandRun, jobId: string): Promise<{ syncJobId: string | null }> {
  const passwords = new Map<string, string>();
  const keep: NewPasswordKeeper = async (_tx, notice) => {
    passwords.set(notice.userPrincipalName, notice.temporaryPassword);
    return [];
  };
  run.jobs.register({ kind: CREATE_MISSING_JOB, run: (job) => runCreateMissing(run.ctx, job, keep) });
  run.print('Creating the users not in the tenant…');
  const ended = await run.jobs.runNow(jobId);
  const result = await createMissingResult(run.ctx, jobId);
  for (const user of result.created)
    run.print(
      `created      ${user.userPrincipalName}${user.licenses.length ? ` (${user.licenses.join(', ')})` : ''}  temporary password (shown once, changed at first sign-in): ${passwords.get(user.userPrincipalName) ?? '(set by an earlier run)'}`,
    );
  for (const user of result.withoutLicense)
    run.print(
      `created      ${user.userPrincipalName} without ${user.licenses.join(', ')}: ${cliSentence(user.reason)}  temporary password (shown once, changed at first sign-in): ${passwords.get(user.userPrincipalName) ?? '(set by an earlier run)'}`,
    );
  for (const user of result.refused)
    run.problem(`not created  ${user.userPrincipalName}: ${cliSentence(user.reason)} (left out: deleted in Roster at the first sync)`);
  run.print(
    `Created ${result.created.length + result.withoutLicense.length} users in ${result.tenantName} (${result.withoutLicense.length} without their licenses); ${result.refused.length} not created.`,
  );
  if (ended.status !== 'succeeded') {
    run.problem(
      `error: the creation ${ended.status === 'cancelled' ? 'was cancelled' : 'stopped'}: ${ended.error ?? 'see roster jobs'}. Run \`roster jobs\` to see it; it goes on when run again.`,
    );
    return { syncJobId: null };
  }
  return { syncJobId: typeof ended.result?.syncJobId === 'string' ? ended.result.syncJobId : null };
}

async function disconnect(run: CommandRun): Promise<number> {
  const dryRun = run.values['dry-run'] === true;
  const result = await disconnectOrganization(run.ctx, run.actor, { dryRun });
  if (!result.ok) return refuse(run.problem, result);
  run.print(
    `${dryRun ? '(dry run) ' : ''}Disconnected from ${result.tenantName}: its users stay in Roster as its own directory; nothing changed in the tenant.`,
  );
  return EXIT.done;
}

async function sync(run: CommandRun): Promise<number> {
  const asked = await requestSync(run.ctx, run.actor, { queue: `cli:${run.ctx.instanceId}`, maxAttempts: 1 });
  if (!asked.ok) return refuse(run.problem, asked);
  if (asked.alreadyQueued) {
    run.print(
      `A sync of ${asked.tenantName} is ${asked.queue === 'app' ? 'queued or running in the app' : 'running in another command line'} (job ${asked.jobId}); see \`roster jobs\`.`,
    );
    return EXIT.done;
  }
  return printSync(await run.jobs.runNow(asked.jobId), run.print, run.problem);
}

async function link(run: CommandRun): Promise<number> {
  const [username = '', member = ''] = run.args;
  const slackUserId = member.toLowerCase() === 'none' ? null : member;
  if (slackUserId !== null && !/^[UW][A-Z0-9]{2,}$/.test(slackUserId))
    return usageError(run.problem, `${member} is not a Slack member ID (U0123ABCD, in the member's Slack profile: ⋮ → Copy member ID), nor none.`);
  const linked = await linkMemberByHand(run.ctx, run.actor, { username, slackUserId });
  if (!linked.ok) return refuse(run.problem, linked);
  run.print(
    linked.slackUserId
      ? `${linked.userPrincipalName} is now the Slack member ${linked.slackUserId}.`
      : `${linked.userPrincipalName} is linked to no Slack member now.`,
  );
  return EXIT.done;
}

export const CONNECT_COMMANDS: CommandSpec[] = [
  {
    path: ['connect'],
    summary: 'connect the organization to a Microsoft 365 tenant (Global admins), or show the connection (--status)',
    args: '--tenant <id or domain> --client-id <id> --client-secret-file <file> | --status',
    positionals: { min: 0, max: 0 },
    details:
      'Signs in with the app registration\'s client credentials, reads the tenant and prints what connecting will do: the users of Roster\'s directory found in the tenant by username become those users; the others are created there with --create-missing (their new temporary passwords printed once), or left out with --leave-out (deleted in Roster). Then the first sync runs here. The secret is read from a file (- for standard input), sealed with the secret key and never printed. See README "Connect Microsoft 365".',
    options: {
      tenant: { type: 'string', value: '<id or domain>', help: "the tenant's ID (a GUID) or one of its domains (contoso.onmicrosoft.com)" },
      'client-id': { type: 'string', value: '<id>', help: "the app registration's Application (client) ID" },
      'client-secret-file': { type: 'string', value: '<file>', help: "a file holding the client secret's value (- for standard input)" },
      'create-missing': {
        type: 'boolean',
        help: "create the users of Roster's directory that are not in the tenant there (profile, usage location, licenses, sign-in; a new temporary password each, printed once)",
      },
      'leave-out': { type: 'boolean', help: "connect without the users of Roster's directory that are not in the tenant (they are deleted in Roster)" },
      status: { type: 'boolean', help: 'show whether and to which tenant the organization is connected, and its last sync' },
    },
    output: true,
    dryRun: true,
    examples: [
      'roster connect --tenant contoso.onmicrosoft.com --client-id 00000000-0000-0000-0000-000000000000 --client-secret-file secret.txt',
      'roster connect --tenant 72f988bf-86f1-41af-91ab-2d7cd011db47 --client-id … --client-secret-file - --leave-out < secret.txt',
      'roster connect --tenant contoso.onmicrosoft.com --client-id … --client-secret-file secret.txt --create-missing',
      'roster connect --status',
    ],
    run: connect,
  },
  {
    path: ['disconnect'],
    summary: "disconnect the organization from its Microsoft 365 tenant (Global admins): the users stay as Roster's own directory",
    args: '',
    positionals: { min: 0, max: 0 },
    dryRun: true,
    examples: ['roster disconnect'],
    run: disconnect,
  },
  {
    path: ['sync'],
    summary: "read the connected tenant's changes now (users, licenses, seats, domains)",
    args: '',
    positionals: { min: 0, max: 0 },
    examples: ['roster sync'],
    run: sync,
  },
  {
    path: ['users', 'link'],
    summary: 'link a Slack member to a user of the connected tenant by hand, or unlink them (none) (Global admins)',
    args: '<username> <slack-member-id|none>',
    positionals: { min: 2, max: 2 },
    details:
      "Members are linked at each sync to the tenant user whose username or email is their Slack email; link by hand the others. A linked member acts in Roster with the user's Microsoft Entra roles.",
    examples: ['roster users link ana@contoso.com U0123ABCD', 'roster users link ana@contoso.com none'],
    run: link,
  },
];
