import { describeError } from '../../../log.js';
import { workspaceDeps, type ListenerDeps, type SlackAppDeps } from '../../deps.js';
import { WorkspaceNotInstalled, type RemovedBecause } from '../../slack-ports.js';

/** The team an Events API delivery is for: the envelope's `team_id` (what Bolt authorized), else its context's. */
function teamOfEvent(body: unknown, context: { teamId?: string }): string {
  return (body as { team_id?: string }).team_id ?? context.teamId ?? '';
}

/**
 * An event listener run with the deps of the workspace the event comes from (its Slack port among
 * them), as the registrar does for interactions. An event from a workspace Roster is no longer
 * installed in is logged and dropped (Bolt acked it already).
 */
export function inWorkspaceOfEvent<Args extends { body: unknown; context: { teamId?: string } }>(
  app: SlackAppDeps,
  listener: (deps: ListenerDeps) => (args: Args) => Promise<void>,
): (args: Args) => Promise<void> {
  return async (args) => {
    const teamId = teamOfEvent(args.body, args.context);
    let deps: ListenerDeps;
    try {
      deps = await workspaceDeps(app, teamId);
    } catch (error) {
      if (!(error instanceof WorkspaceNotInstalled)) throw error;
      app.logger.warn('an event from a workspace Roster is not installed in was ignored', { team: teamId, ...describeError(error) });
      return;
    }
    await listener(deps)(args);
  };
}

/** `app_uninstalled`, or `tokens_revoked` with the bot's token among them: Roster no longer acts in that workspace. */
export async function workspaceRemoved(app: SlackAppDeps, body: unknown, why: RemovedBecause): Promise<void> {
  const teamId = teamOfEvent(body, {});
  if (!teamId) return;
  await app.ports.removed(teamId, why);
}
