import { addDays } from 'date-fns';
import { actorId, actorSlackMember, reportChange, type Actor, type CoreContext } from '../context.js';
import type { CredentialNotice } from '../users/add-user.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashGeneratedPassword } from '../passwords/hash-password.js';
import { fail, invalidFields, ok, type CoreError, type FieldError, type Result } from '../result.js';
import { transaction } from '../transaction.js';
import { writeAudit } from '../../store/audit.js';
import { insertTenant, tenantByTeam } from '../../store/organizations.js';
import { UniqueViolation } from '../../store/errors.js';
import { usableProfileText } from '../rules/profile-fields.js';
import { aliasFromProfile } from './alias-from-profile.js';
import { initialDomainProblem, normalizeInitialDomain } from './initial-domain.js';

export interface SetupTenantInput {
  organizationName: string;
  /** `contoso` or `contoso.onmicrosoft.com`. */
  initialDomain: string;
  passwordExpiryDays?: number;
  /** Facts about the Slack member, read from Slack by the caller. */
  requester: {
    isWorkspaceOwnerOrAdmin: boolean;
    isBootstrapAdmin: boolean;
    firstName?: string;
    lastName?: string;
    displayName: string;
    email?: string;
    /** The Slack member the first admin is (from the CLI, whom to link; from Slack, the actor). */
    slackUserId?: string;
  };
}

export interface SetupTenantResult {
  tenantId: string;
  organizationName: string;
  initialDomain: string;
  admin: { userPrincipalName: string; displayName: string };
  temporaryPassword: string;
  passwordExpiryDays: number;
  /** The first admin's credentials, to send them as a DM. */
  notice: CredentialNotice;
}

export const SETUP_FORBIDDEN =
  'Only a Slack workspace owner or admin (or someone listed in ROSTER_BOOTSTRAP_ADMINS) can set Roster up. Ask one of them to run `/users setup`.';

/** The form's own rules (no database, no Slack): the listener checks them before it acks. */
export function setupInputProblems(
  input: Pick<SetupTenantInput, 'organizationName' | 'initialDomain' | 'passwordExpiryDays'>,
): { ok: true; name: string; domain: string; expiry: number } | CoreError {
  const name = input.organizationName.trim();
  const domain = normalizeInitialDomain(input.initialDomain);
  const expiry = input.passwordExpiryDays ?? 90;
  const problems: FieldError[] = [];
  if (!name) problems.push({ field: 'organizationName', message: "Enter the organization's name." });
  else if (name.length > 64) problems.push({ field: 'organizationName', message: 'The name can be at most 64 characters.' });
  const domainProblem = initialDomainProblem(domain);
  if (domainProblem) problems.push({ field: 'initialDomain', message: domainProblem });
  if (!Number.isInteger(expiry) || expiry < 0 || expiry > 730) {
    problems.push({ field: 'passwordExpiryDays', message: 'Enter a whole number of days from 0 (never expire) to 730.' });
  }
  return problems.length > 0 ? invalidFields(problems) : { ok: true, name, domain, expiry };
}

/**
 * Creates the workspace's organization with its initial domain; the person setting it up becomes
 * its first Global admin, a directory user made from their Slack profile.
 */
export async function setupTenant(ctx: CoreContext, actor: Actor, input: SetupTenantInput): Promise<Result<SetupTenantResult>> {
  const { requester } = input;
  if (!requester.isWorkspaceOwnerOrAdmin && !requester.isBootstrapAdmin) return fail('forbidden', SETUP_FORBIDDEN);
  const existing = await tenantByTeam(ctx.db, actor.teamId);
  if (existing) return fail('already_set_up', `This workspace is already set up as ${existing.name} (${existing.initialDomain}).`);

  const checked = setupInputProblems(input);
  if (!checked.ok) return checked;
  const { name, domain, expiry } = checked;

  const alias = aliasFromProfile(requester);
  const userPrincipalName = `${alias}@${domain}`;
  const temporaryPassword = generatePassword();
  const now = ctx.now();
  // The names come from the Slack profile, which nobody here can fix: a name that breaks the profile
  // text rule (a control character, nothing visible) is left out rather than refusing the setup.
  const firstName = usableProfileText('firstName', requester.firstName);
  const lastName = usableProfileText('lastName', requester.lastName);
  const displayName = usableProfileText('displayName', requester.displayName) ?? ([firstName, lastName].filter(Boolean).join(' ') || alias);
  let result;
  try {
    result = await transaction(ctx, async (tx) => {
      const tenantId = await insertTenant(tx, { slackTeamId: actor.teamId, name, initialDomain: domain, passwordExpiryDays: expiry }, now);
      const userId = await ctx.directory.createUser(
        tx,
        {
          tenantId,
          userPrincipalName,
          alias,
          domain,
          displayName,
          profile: { ...(firstName ? { firstName } : {}), ...(lastName ? { lastName } : {}) },
          alternateEmail: requester.email ?? null,
          usageLocation: null,
          accountEnabled: true,
          slackUserId: requester.slackUserId ?? actorSlackMember(actor),
          passwordHash: hashGeneratedPassword(temporaryPassword),
          forceChangePassword: true,
        },
        ['global_admin'],
        now,
        temporaryPassword,
      );
      await writeAudit(
        tx,
        [
          { tenantId, actor: actorId(actor), action: 'tenant.setup', targetType: 'tenant', targetId: tenantId, summary: `Set up ${name} (${domain})` },
          {
            tenantId,
            actor: actorId(actor),
            action: 'user.create',
            targetType: 'user',
            targetUserId: userId,
            changedFields: ['account', 'password', 'roles'],
            summary: `${userPrincipalName} is the first Global admin of ${name}`,
          },
        ],
        now,
      );
      return { tenantId };
    });
  } catch (error) {
    if (error instanceof UniqueViolation) return fail('already_set_up', 'This workspace was set up a moment ago by someone else.');
    throw error;
  }
  if (!result.ok) return result;
  const { tenantId } = result.value;
  reportChange(ctx, { id: tenantId, slackTeamId: actor.teamId }, 'organization', actor);
  return ok({
    tenantId,
    organizationName: name,
    initialDomain: domain,
    admin: { userPrincipalName, displayName },
    temporaryPassword,
    passwordExpiryDays: expiry,
    notice: {
      occasion: 'added',
      displayName,
      userPrincipalName,
      temporaryPassword,
      mustChangeAtNextSignIn: true,
      passwordExpiresAt: expiry > 0 ? addDays(now, expiry) : null,
      licenses: [],
    },
  });
}

/** The organization a workspace is set up as, if it is (the setup form shows it instead of asking again). */
export async function organizationOf(ctx: CoreContext, teamId: string): Promise<{ name: string; initialDomain: string } | null> {
  return tenantByTeam(ctx.db, teamId);
}
