import type { JobHandler } from '../../core/jobs/job-handler.js';
import type { Recurring } from '../../core/jobs/scheduler.js';
import { linkMembersByEmail, workspacesToLink } from '../../core/microsoft/link-members.js';
import { workspaceDeps, type SlackAppDeps } from '../deps.js';
import { WorkspaceNotInstalled } from '../slack-ports.js';

/** Every 5 minutes (as often as connected organizations are synced by default), and at start. */
export const MEMBER_LINKS: Recurring = { kind: 'slack.link-members', everyMs: 5 * 60_000, atStart: true };

/**
 * Links the members of the workspaces whose organization is connected to Microsoft 365 to their
 * tenant users by email (core/microsoft/link-members.ts): the workspace's people are listed
 * (users.list, with their emails: users:read.email) only when one is connected, each workspace
 * with its own token; a workspace Roster was removed from is passed over.
 */
export function memberLinksJob(app: SlackAppDeps): JobHandler {
  return {
    kind: MEMBER_LINKS.kind,
    lane: 'light',
    async run() {
      const teams = await workspacesToLink(app.core);
      let linked = 0;
      for (const teamId of teams) {
        const deps = await workspaceDeps(app, teamId).catch((error: unknown) => {
          if (error instanceof WorkspaceNotInstalled) return null;
          throw error;
        });
        if (!deps) continue;
        const members = await deps.slack.members();
        linked += await linkMembersByEmail(
          app.core,
          teamId,
          members.filter((m) => m.teamId === teamId || m.teamId === '').map((m) => ({ slackUserId: m.id, email: m.email })),
        );
      }
      return { done: { linked } };
    },
  };
}
