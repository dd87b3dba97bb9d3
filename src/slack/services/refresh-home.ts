import { homeSummary } from '../../core/tenant/home-summary.js';
import type { ListenerDeps } from '../deps.js';
import { homeView } from '../views/home-view.js';
import { maySetUp } from './open-forms.js';

export type HomeDeps = Pick<ListenerDeps, 'core' | 'slack'> & Partial<Pick<ListenerDeps, 'bootstrapAdmins'>>;

/**
 * Re-publishes a member's App Home from the current state (after every change they make). Before
 * the workspace is set up, only those who may set it up (workspace owners and admins, bootstrap
 * admins: asked of Slack) are offered the button.
 */
export async function refreshHome(deps: HomeDeps, teamId: string, userId: string): Promise<void> {
  const summary = await homeSummary(deps.core, { teamId, slackUserId: userId });
  // Slack not saying who they are offers no button; /users setup still answers them.
  const maySetUpHere = summary.organization === null && (await maySetUp(deps, userId).catch(() => false));
  await deps.slack.publishHome(userId, homeView(summary, { maySetUp: maySetUpHere }));
}
