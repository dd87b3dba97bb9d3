import type { ListenerDeps } from '../deps.js';
import type { Blocks } from '../slack-port.js';

/**
 * Shows `message` where a kept response_url points (in place of that message when `replace`), or,
 * without one or when it no longer answers (Slack keeps it 30 minutes), as a DM to the member.
 */
export async function respondOrDm(
  deps: Pick<ListenerDeps, 'slack'>,
  userId: string,
  responseUrl: string | undefined,
  message: { text: string; blocks?: Blocks },
  replace: boolean,
): Promise<void> {
  if (responseUrl) {
    const answered = await deps.slack.respond(responseUrl, message, replace).then(
      () => true,
      () => false,
    );
    if (answered) return;
  }
  await deps.slack.dm(userId, message);
}
