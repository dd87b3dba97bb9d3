import { reportChange, type Actor, type CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { transactionOrDryRun } from '../dry-run.js';
import { generatePassword } from '../passwords/generate-password.js';
import { hashGeneratedPassword } from '../passwords/hash-password.js';
import { fail, invalidFields, ok, type Result } from '../result.js';
import { emailProblem } from '../rules/email.js';
import { profileFieldProblems } from '../rules/profile-fields.js';
import { parseUsername } from '../rules/username.js';
import { writeAudit } from '../../store/audit.js';
import { activeUserByUpn } from '../../store/directory-users.js';
import { UniqueViolation } from '../../store/errors.js';
import { lockOrganization } from '../../store/organization-lock.js';

/** `ana@fabrikam.com` → `ana_fabrikam.com#EXT#@contoso.onmicrosoft.com`, Microsoft's guest username form. */
export function guestUsername(email: string, initialDomain: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}_${email.slice(at + 1).toLowerCase()}#EXT#@${initialDomain}`;
}

/** "ana.maria@x.com" → "Ana Maria": a display name from an email when none is given. */
export function displayNameFromEmail(email: string): string {
  const local = email.slice(0, email.lastIndexOf('@'));
  return (
    local
      .split(/[._-]+/)
      .filter(Boolean)
      .map((word) => word[0]!.toUpperCase() + word.slice(1))
      .join(' ') || local
  );
}

/**
 * `/users invite <email>` (Global or User admin): adds a guest (userType "guest") with a username in
 * the `#EXT#` form on the initial domain. Guests sign in with their own account: the password made
 * here is random, never shown and never usable. Only a Global admin may then license a guest
 * (`changeUserLicenses` checks it).
 */
export async function inviteGuest(
  ctx: CoreContext,
  actor: Actor,
  input: { email: string; displayName?: string; dryRun?: boolean },
): Promise<Result<{ userId: string; userPrincipalName: string; displayName: string; dryRun: boolean }>> {
  const auth = await authorize(ctx, actor, 'create_users');
  if (!auth.ok) return auth;
  const email = input.email.trim().replace(/^mailto:/i, '');
  const problem = emailProblem(email, "The guest's email address");
  if (problem) return invalidFields([{ field: 'email', message: problem }]);
  const parsed = parseUsername(guestUsername(email, auth.tenant.initialDomain));
  if (!parsed.ok) return invalidFields([{ field: 'email', message: `This email can't make a guest username: ${parsed.message}` }]);
  const { username } = parsed;
  const displayName = input.displayName?.trim() || displayNameFromEmail(email);
  const nameProblems = profileFieldProblems({ displayName });
  if (nameProblems.length > 0) return invalidFields(nameProblems);
  const existing = await activeUserByUpn(ctx.db, auth.tenant.id, username.userPrincipalName);
  if (existing) return fail('conflict', `${email} is already a guest: ${existing.userPrincipalName}.`, [{ field: 'email', message: 'Already invited.' }]);
  const now = ctx.now();
  const passwordHash = hashGeneratedPassword(generatePassword());
  try {
    const made = await transactionOrDryRun(ctx, input.dryRun ?? false, async (tx) => {
      await lockOrganization(tx, auth.tenant.id);
      const userId = await ctx.directory.createUser(
        tx,
        {
          tenantId: auth.tenant.id,
          userPrincipalName: username.userPrincipalName,
          alias: username.alias,
          domain: username.domain,
          displayName,
          profile: { displayName },
          alternateEmail: email,
          usageLocation: null,
          accountEnabled: true,
          slackUserId: null,
          passwordHash,
          forceChangePassword: false,
        },
        [],
        now,
      );
      await ctx.directory.markGuest(tx, userId);
      await writeAudit(
        tx,
        {
          tenantId: auth.tenant.id,
          actor: auth.actorId,
          action: 'user.invite',
          targetType: 'user',
          targetUserId: userId,
          changedFields: ['account', 'userType'],
          summary: `Invited guest ${username.userPrincipalName}`,
        },
        now,
      );
      return userId;
    });
    if (!made.ok) return made;
    if (!input.dryRun) reportChange(ctx, auth.tenant, 'users', actor);
    return ok({ userId: made.value, userPrincipalName: username.userPrincipalName, displayName, dryRun: input.dryRun ?? false });
  } catch (error) {
    if (error instanceof UniqueViolation && error.constraint === 'username')
      return fail('conflict', `${email} was invited a moment ago.`, [{ field: 'email', message: 'Already invited.' }]);
    throw error;
  }
}
