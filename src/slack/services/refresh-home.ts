import { homeSummary } from '../../core/tenant/home-summary.js';
import type { ListenerDeps } from '../deps.js';
import { homeView } from '../views/home-view.js';

/** Re-publishes a member's App Home from the current state (after every change they make). */
export async function refreshHome(deps: Pick<ListenerDeps, 'core' | 'slack'>, teamId: string, userId: string): Promise<void> {
  const summary = await homeSummary(deps.core, { teamId, slackUserId: userId });
  await deps.slack.publishHome(userId, homeView(summary));
}
