import type { CoreContext, OperatorActor } from '../core/context.js';
import { profileFieldProblems } from '../core/rules/profile-fields.js';
import { setupTenant } from '../core/tenant/setup-tenant.js';
import { EXIT, refuse, usageError, type Print } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';

export interface SetupCommandOptions {
  name: string;
  domain?: string;
  adminName?: string;
  adminEmail?: string;
  slackUser?: string;
  passwordExpiryDays?: number;
}

/**
 * `roster setup`: creates the workspace's organization without Slack (to try Roster, or to script an
 * install). The operator at the server may do this; the first Global admin is a directory user
 * named by --admin-name, linked to --slack-user when given so that their roles apply in Slack.
 * The temporary password is printed once, on standard output only.
 */
export async function setupCommand(ctx: CoreContext, actor: OperatorActor, options: SetupCommandOptions, print: Print, problem: Print): Promise<number> {
  const adminName = options.adminName?.trim() || actor.operator;
  // Typed here, so checked here (setup itself leaves out a Slack profile's unusable name).
  const [nameProblem] = profileFieldProblems({ displayName: adminName }, () => '--admin-name');
  if (nameProblem) return refuse(problem, { code: 'invalid_input', message: nameProblem.message });
  const [firstName, ...rest] = adminName.split(/\s+/);
  const result = await setupTenant(ctx, actor, {
    organizationName: options.name,
    initialDomain: options.domain ?? domainFromName(options.name),
    ...(options.passwordExpiryDays !== undefined ? { passwordExpiryDays: options.passwordExpiryDays } : {}),
    requester: {
      isWorkspaceOwnerOrAdmin: false,
      // Whoever runs the CLI on the server can open its database: they may set up an organization.
      isBootstrapAdmin: true,
      displayName: adminName,
      ...(firstName ? { firstName } : {}),
      ...(rest.length ? { lastName: rest.join(' ') } : {}),
      ...(options.adminEmail ? { email: options.adminEmail } : {}),
      ...(options.slackUser ? { slackUserId: options.slackUser } : {}),
    },
  });
  if (!result.ok) return refuse(problem, result, { organizationName: '--name', initialDomain: '--domain', passwordExpiryDays: '--password-expiry-days' });
  print(`Set up ${result.organizationName} (${result.initialDomain}) for workspace ${actor.teamId}.`);
  print(`First Global admin: ${result.admin.userPrincipalName}${options.slackUser ? ` (Slack member ${options.slackUser})` : ''}`);
  print(`Temporary password (shown once, not stored): ${result.temporaryPassword}`);
  return EXIT.done;
}

/** "Ünïcode GmbH" → `unicodegmbh`: letters without their accents, digits, nothing else. */
export function domainFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** A Slack team id, as Slack shows it (T or E, then capitals and digits). */
const TEAM_ID = /^[TE][A-Z0-9]{2,}$/;

async function setup(run: CommandRun): Promise<number> {
  const { values } = run;
  if (!TEAM_ID.test(run.actor.teamId))
    return usageError(run.problem, `--workspace "${run.actor.teamId}" is not a Slack team id (T followed by capitals and digits, such as T0123ABCD).`);
  let passwordExpiryDays: number | undefined;
  if (typeof values['password-expiry-days'] === 'string') {
    if (!/^\d+$/.test(values['password-expiry-days'])) return usageError(run.problem, '--password-expiry-days must be a whole number of days (0: never)');
    passwordExpiryDays = Number(values['password-expiry-days']);
  }
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  return setupCommand(
    run.ctx,
    run.actor,
    {
      name: String(values.name),
      ...(text('domain') ? { domain: text('domain') } : {}),
      ...(text('admin-name') ? { adminName: text('admin-name') } : {}),
      ...(text('admin-email') ? { adminEmail: text('admin-email') } : {}),
      ...(text('slack-user') ? { slackUser: text('slack-user') } : {}),
      ...(passwordExpiryDays !== undefined ? { passwordExpiryDays } : {}),
    },
    run.print,
    run.problem,
  );
}

export const SETUP_COMMAND: CommandSpec = {
  path: ['setup'],
  summary: "create a workspace's organization without Slack (to try Roster, or to script an install)",
  args: '--workspace <T…> --name <organization>',
  positionals: { min: 0, max: 0 },
  details: 'The first Global admin is printed with a temporary password, once.',
  options: {
    name: { type: 'string', value: '<organization>', help: "the organization's name; required" },
    domain: { type: 'string', value: '<name>', help: 'initial domain, <name>.onmicrosoft.com (default: from the name)' },
    'admin-name': { type: 'string', value: '<name>', help: "the first Global admin's display name (default: your account name)" },
    'admin-email': { type: 'string', value: '<address>', help: 'their alternate email address' },
    'slack-user': { type: 'string', value: '<U…>', help: 'link them to this Slack member, so their roles apply in Slack' },
    'password-expiry-days': { type: 'string', value: '<days>', help: 'passwords expire after this many days (0: never)' },
  },
  required: ['workspace', 'name'],
  examples: [
    'roster setup --workspace T0123ABCD --name "Contoso Ltd"',
    'roster setup --workspace T0123ABCD --name Fabrikam --domain fabrikam --admin-name "Kim Lee"',
  ],
  run: setup,
};
