import type { CoreContext, OperatorActor } from '../core/context.js';
import { profileFieldProblems } from '../core/rules/profile-fields.js';
import { setupTenant } from '../core/tenant/setup-tenant.js';
import type { Print } from './import-command.js';

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
export async function setupCommand(ctx: CoreContext, actor: OperatorActor, options: SetupCommandOptions, print: Print): Promise<number> {
  const adminName = options.adminName?.trim() || actor.operator;
  // Typed here, so checked here (setup itself leaves out a Slack profile's unusable name).
  const [nameProblem] = profileFieldProblems({ displayName: adminName }, () => '--admin-name');
  if (nameProblem) {
    print(`error: ${nameProblem.message}`);
    return 1;
  }
  const [firstName, ...rest] = adminName.split(/\s+/);
  const result = await setupTenant(ctx, actor, {
    organizationName: options.name,
    initialDomain: options.domain ?? options.name.toLowerCase().replace(/[^a-z0-9]/g, ''),
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
  if (!result.ok) {
    const flags: Record<string, string> = { organizationName: '--name', initialDomain: '--domain', passwordExpiryDays: '--password-expiry-days' };
    for (const problem of result.fields ?? [{ field: '', message: result.message }])
      print(`error: ${flags[problem.field] ?? ''}${flags[problem.field] ? ': ' : ''}${problem.message}`);
    return 1;
  }
  print(`Set up ${result.organizationName} (${result.initialDomain}) for workspace ${actor.teamId}.`);
  print(`First Global admin: ${result.admin.userPrincipalName}${options.slackUser ? ` (Slack member ${options.slackUser})` : ''}`);
  print(`Temporary password (shown once, not stored): ${result.temporaryPassword}`);
  return 0;
}
