import type { JobHandler } from '../../core/jobs/job-handler.js';
import type { Recurring } from '../../core/jobs/scheduler.js';
import { linkMembersByEmail, workspacesToLink } from '../../core/microsoft/link-members.js';
import type { ListenerDeps } from '../deps.js';

/** Every 5 minutes (as often as connected organizations are synced by default), and at start. */
export const MEMBER_LINKS: Recurring = { kind: 'slack.link-members', everyMs: 5 * 60_000, atStart: true };

/**
 * Links the members of the workspaces whose organization is connected to Microsoft 365 to their
 * tenant users by email (core/microsoft/link-members.ts): the workspace's people are listed
 * (users.list, with their emails: users:read.email) only when one is connected.
 */
export function memberLinksJob(deps: ListenerDeps): JobHandler {
  return {
    kind: MEMBER_LINKS.kind,
    lane: 'light',
    async run() {
      const teams = await workspacesToLink(deps.core);
      if (teams.length === 0) return { done: { linked: 0 } };
      const members = await deps.slack.members();
      let linked = 0;
      for (const teamId of teams)
        linked += await linkMembersByEmail(
          deps.core,
          teamId,
          members.filter((m) => m.teamId === teamId || m.teamId === '').map((m) => ({ slackUserId: m.id, email: m.email })),
        );
      return { done: { linked } };
    },
  };
}
