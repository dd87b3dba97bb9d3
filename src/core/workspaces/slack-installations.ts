import type { CoreContext } from '../context.js';
import { transaction } from '../transaction.js';
import { open, seal } from '../credentials/seal.js';
import { writeAudit } from '../../store/audit.js';
import { forgetHomeWatchesOfTeam } from '../../store/change-events.js';
import { failQueuedJobsOfTenant } from '../../store/jobs.js';
import { tenantById, tenantByTeam } from '../../store/organizations.js';
import { allSlackInstallations, deleteSlackInstallation, slackInstallationOfTeam, upsertSlackInstallation } from '../../store/slack-installations.js';

/**
 * The Slack workspaces Roster was installed in through Slack's OAuth flow (many workspaces), each
 * with its own bot token, sealed at rest with Roster's secret key (AES-256-GCM, bound to its team
 * id: sealed bytes copied onto another workspace's row do not open). Installing creates no
 * organization (`/users setup` does, as with one workspace); removing Roster deletes the token and
 * stops the work queued for the workspace, and its organization stays until an owner deletes it.
 */

export interface WorkspaceInstallation {
  teamId: string;
  teamName: string;
  appId: string;
  botUserId: string;
  botId: string;
  botScopes: string[];
  /** The bot token (xoxb-…). Never logged, never stored in clear. */
  botToken: string;
  /** The member who installed the app. */
  installedBy: string;
}

/** Why the work queued for a workspace was stopped: its jobs end with this. */
export const WORKSPACE_REMOVED =
  'Roster was removed from this Slack workspace (uninstalled, or its token revoked), so this work was stopped. Install Roster in the workspace again, then start it again.';

/** A token sealed under another key (ROSTER_SECRET_KEY or the key file changed): every call for the workspace fails with this. */
export class InstallationUnreadable extends Error {
  override name = 'InstallationUnreadable';
  constructor(teamId: string) {
    super(
      `Roster cannot open the bot token of workspace ${teamId} with its current key (was ROSTER_SECRET_KEY or the key file beside the database changed?). Put the key back, or install Roster in that workspace again.`,
    );
  }
}

const tokenAad = (teamId: string) => `roster-slack-bot-token:${teamId}`;

/**
 * Stores an installation (a reinstall replaces the token, ids and scopes). When the workspace has
 * an organization already (a reinstall after a removal), its audit says who installed Roster again.
 */
export async function recordInstallation(ctx: CoreContext, key: Buffer, installation: WorkspaceInstallation): Promise<{ organization: string | null }> {
  const { botToken, ...facts } = installation;
  const now = ctx.now();
  const done = await transaction(ctx, async (tx) => {
    await upsertSlackInstallation(tx, { ...facts, sealedBotToken: seal(key, botToken, tokenAad(facts.teamId)) }, now);
    const tenant = await tenantByTeam(tx, facts.teamId);
    if (tenant) {
      await writeAudit(
        tx,
        {
          tenantId: tenant.id,
          actor: facts.installedBy,
          action: 'workspace.installed',
          targetType: 'tenant',
          targetId: facts.teamId,
          summary: `Installed Roster in the Slack workspace ${facts.teamName} (${facts.teamId})`,
        },
        now,
      );
    }
    return tenant?.name ?? null;
  });
  if (!done.ok) throw new Error(done.message);
  return { organization: done.value };
}

/** A workspace's installation with its bot token opened; null when Roster is not installed there. */
export async function installedWorkspace(ctx: CoreContext, key: Buffer, teamId: string): Promise<WorkspaceInstallation | null> {
  const found = await slackInstallationOfTeam(ctx.db, teamId);
  if (!found) return null;
  const botToken = open(key, found.sealedBotToken, tokenAad(teamId));
  if (botToken === null) throw new InstallationUnreadable(teamId);
  const { sealedBotToken: _sealed, installedAt: _at, updatedAt: _updated, ...facts } = found;
  return { ...facts, botToken };
}

/**
 * Roster was uninstalled from a workspace, or its bot token revoked: the installation (its sealed
 * token) is deleted, the organization's queued jobs of `slackJobKinds` (those that talk to Slack)
 * end with WORKSPACE_REMOVED instead of being retried, and no App Home of the workspace is
 * refreshed any more. The organization's data stays, and its other work (a Microsoft 365 sync)
 * goes on. Nothing to do when Roster was not installed there (a second event).
 */
export async function removeInstallation(
  ctx: CoreContext,
  teamId: string,
  why: 'app_uninstalled' | 'tokens_revoked',
  slackJobKinds: readonly string[],
): Promise<{ removed: boolean; jobsEnded: number }> {
  const now = ctx.now();
  const done = await transaction(ctx, async (tx) => {
    const removed = await deleteSlackInstallation(tx, teamId);
    if (!removed) return { removed, jobsEnded: 0 };
    await forgetHomeWatchesOfTeam(tx, teamId);
    const tenant = await tenantByTeam(tx, teamId);
    if (!tenant) return { removed, jobsEnded: 0 };
    const jobsEnded = await failQueuedJobsOfTenant(tx, tenant.id, slackJobKinds, WORKSPACE_REMOVED, now);
    await writeAudit(
      tx,
      {
        tenantId: tenant.id,
        actor: 'roster:slack',
        action: 'workspace.uninstalled',
        targetType: 'tenant',
        targetId: teamId,
        summary: `Roster was ${why === 'app_uninstalled' ? 'uninstalled from' : 'cut off from (its token revoked)'} the Slack workspace ${teamId}: its token was deleted and ${jobsEnded} queued job${jobsEnded === 1 ? ' was' : 's were'} stopped; the organization's data stays`,
      },
      now,
    );
    return { removed, jobsEnded };
  });
  if (!done.ok) throw new Error(done.message);
  return done.value;
}

/** The installed workspaces as the command line lists them: never a token. Only the operator at the server asks. */
export async function listInstallations(
  ctx: CoreContext,
): Promise<{ teamId: string; teamName: string; installedBy: string; installedAt: Date; organization: string | null }[]> {
  const installations = await allSlackInstallations(ctx.db);
  return Promise.all(
    installations.map(async (i) => ({
      teamId: i.teamId,
      teamName: i.teamName,
      installedBy: i.installedBy,
      installedAt: i.installedAt,
      organization: (await tenantByTeam(ctx.db, i.teamId))?.name ?? null,
    })),
  );
}

/** The Slack workspace of an organization (what a job of the organization talks to); null when the organization is gone. */
export async function organizationTeam(ctx: CoreContext, tenantId: string): Promise<string | null> {
  return (await tenantById(ctx.db, tenantId))?.slackTeamId ?? null;
}
