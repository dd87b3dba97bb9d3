import type { Logger } from '../log.js';
import type { SlackPort } from './slack-port.js';

/** Why Slack says Roster lost a workspace: the `app_uninstalled` or the `tokens_revoked` event. */
export type RemovedBecause = 'app_uninstalled' | 'tokens_revoked';

/**
 * Where the SlackPort of a workspace comes from. Every Slack call is made with the token of the
 * workspace it concerns: listeners get the port of the request's team and jobs the port of their
 * organization's team (deps.ts `workspaceDeps`), and nothing else picks a team. With
 * SLACK_BOT_TOKEN there is one port for every team (`oneTokenPorts`); with Slack's OAuth each
 * installed workspace has its own (slack/workspaces/installed-workspaces.ts).
 */
export interface SlackPorts {
  /** The port that acts in `teamId`'s workspace with its token; rejects with WorkspaceNotInstalled when Roster is not installed there. */
  forTeam(teamId: string): Promise<SlackPort>;
  /** Slack says Roster was removed from a workspace: its token is forgotten and its work stopped (one token: said in the log). */
  removed(teamId: string, why: RemovedBecause): Promise<void>;
}

/** Roster is not installed in this workspace (never was, uninstalled, or its token revoked): nothing can be said to it. */
export class WorkspaceNotInstalled extends Error {
  override name = 'WorkspaceNotInstalled';
  constructor(readonly teamId: string) {
    super(`Roster is not installed in the Slack workspace ${teamId} (never installed, uninstalled, or its token revoked).`);
  }
}

/** One workspace, one bot token (SLACK_BOT_TOKEN): the same port whatever the team, as Roster always was. */
export function oneTokenPorts(port: SlackPort, logger?: Logger): SlackPorts {
  const ready = Promise.resolve(port);
  return {
    forTeam: () => ready,
    async removed(teamId, why) {
      logger?.error('Roster was removed from its workspace: SLACK_BOT_TOKEN no longer works', {
        team: teamId,
        event: why,
        fix: 'install the app again and put its new Bot User OAuth Token in SLACK_BOT_TOKEN',
      });
    },
  };
}
