import { writeAudit } from '../../store/audit.js';
import { linkedMembers, usersByEmails } from '../../store/directory-mirror-access.js';
import { activeUserBySlackMember, activeUserByUpn } from '../../store/directory-users.js';
import { UniqueViolation } from '../../store/errors.js';
import { lockOrganization } from '../../store/organization-lock.js';
import { tenantById, tenantByTeam } from '../../store/organizations.js';
import { connectedTenantIds } from '../../store/directory-connections.js';
import { authorize } from '../access/authorize.js';
import { reportChange, type Actor, type CoreContext } from '../context.js';
import { fail, ok, type Result } from '../result.js';
import { MEMBER_LINKED_MEANWHILE } from '../refusals.js';
import { transaction } from '../transaction.js';

/** The Slack workspaces whose organization is connected to Microsoft 365 (their members are linked by email). */
export async function workspacesToLink(ctx: CoreContext): Promise<string[]> {
  const teams: string[] = [];
  for (const tenantId of await connectedTenantIds(ctx.db)) {
    const tenant = await tenantById(ctx.db, tenantId);
    if (tenant) teams.push(tenant.slackTeamId);
  }
  return teams;
}

/** How the audit names the linking of members by email (no person asked). */
export const LINK_ACTOR = 'roster:link-members';

/**
 * Links the Slack members of a workspace to the users of its connected tenant (docs/domain.md
 * "Connected organizations"): a member not linked yet becomes the user, not linked yet either,
 * whose username or email address (mail) is the member's Slack email; a username wins over an
 * email address, and an email address two users share links nobody. The user's Entra roles (read
 * at each sync) then decide what the member may do. Nothing for an organization using Roster's
 * own directory (its users are linked when they are added). Returns how many were linked.
 */
export async function linkMembersByEmail(ctx: CoreContext, teamId: string, members: readonly { slackUserId: string; email: string | null }[]): Promise<number> {
  const tenant = await tenantByTeam(ctx.db, teamId);
  if (!tenant || tenant.directory === 'embedded') return 0;
  const withEmail = members.flatMap((m) => (m.email ? [{ slackUserId: m.slackUserId, email: m.email.trim().toLowerCase() }] : []));
  if (withEmail.length === 0) return 0;
  const now = ctx.now();
  const done = await transaction(ctx, async (tx) => {
    await lockOrganization(tx, tenant.id);
    const linked = await linkedMembers(
      tx,
      tenant.id,
      withEmail.map((m) => m.slackUserId),
    );
    const candidates = await usersByEmails(
      tx,
      tenant.id,
      withEmail.map((m) => m.email),
    );
    const links: { userId: string; slackUserId: string; upn: string }[] = [];
    const taken = new Set<string>();
    for (const member of withEmail) {
      if (linked.has(member.slackUserId)) continue;
      const byName = candidates.find((c) => c.upnKey === member.email);
      const byMail = candidates.filter((c) => c.mailKey === member.email);
      const user = byName ?? (byMail.length === 1 ? byMail[0] : undefined);
      if (!user || user.slackUserId || taken.has(user.id)) continue;
      taken.add(user.id);
      links.push({ userId: user.id, slackUserId: member.slackUserId, upn: user.upnKey });
    }
    await ctx.mirror.linkMembers(tx, links, now);
    await writeAudit(
      tx,
      links.map((link) => ({
        tenantId: tenant.id,
        actor: LINK_ACTOR,
        action: 'user.link' as const,
        targetType: 'user' as const,
        targetUserId: link.userId,
        changedFields: ['slackUserId'],
        summary: `Linked ${link.upn} to the Slack member ${link.slackUserId}, whose Slack email it is`,
      })),
      now,
    );
    return links.length;
  });
  if (!done.ok) return 0;
  if (done.value > 0) reportChange(ctx, tenant, 'users');
  return done.value;
}

/**
 * A Global admin links a Slack member to a user of the connected tenant by hand (a member whose
 * Slack email is neither the username nor the email address of their user), or unlinks a user
 * (`slackUserId` null). The member is then whoever the user is in the tenant, roles included.
 */
export async function linkMemberByHand(
  ctx: CoreContext,
  actor: Actor,
  input: { username: string; slackUserId: string | null },
): Promise<Result<{ userPrincipalName: string; slackUserId: string | null }>> {
  const auth = await authorize(ctx, actor, 'manage_directory');
  if (!auth.ok) return auth;
  if (auth.tenant.directory === 'embedded')
    return fail(
      'unsupported',
      `${auth.tenant.name} uses Roster's own directory: a user's Slack member is chosen when the user is added. Linking by hand is for an organization connected to Microsoft 365.`,
    );
  const user = await activeUserByUpn(ctx.db, auth.tenant.id, input.username.trim());
  if (!user)
    return fail('not_found', `No user ${input.username.trim()} in ${auth.tenant.name}. Check the username (\`/users find\`).`, [
      { field: 'username', message: 'No such user.' },
    ]);
  const now = ctx.now();
  try {
    const done = await transaction(ctx, async (tx) => {
      await lockOrganization(tx, auth.tenant.id);
      const holder = input.slackUserId ? await activeUserBySlackMember(tx, auth.tenant.id, input.slackUserId) : null;
      if (holder && holder.id !== user.id)
        return fail(
          'conflict',
          `That Slack member is ${holder.userPrincipalName} already: unlink that user first (\`/users link ${holder.userPrincipalName} none\`).`,
        );
      await ctx.mirror.linkMembers(tx, [{ userId: user.id, slackUserId: input.slackUserId }], now);
      await writeAudit(
        tx,
        {
          tenantId: auth.tenant.id,
          actor: auth.actorId,
          action: 'user.link',
          targetType: 'user',
          targetUserId: user.id,
          changedFields: ['slackUserId'],
          summary: input.slackUserId
            ? `Linked ${user.userPrincipalName} to the Slack member ${input.slackUserId} by hand`
            : `Unlinked ${user.userPrincipalName} from its Slack member`,
        },
        now,
      );
      return ok({ userPrincipalName: user.userPrincipalName, slackUserId: input.slackUserId });
    });
    if (!done.ok) return done;
    if (done.value.ok) reportChange(ctx, auth.tenant, 'users', actor);
    return done.value;
  } catch (error) {
    if (error instanceof UniqueViolation && error.constraint === 'slack_member') return fail('conflict', MEMBER_LINKED_MEANWHILE);
    throw error;
  }
}
