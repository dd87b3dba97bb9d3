import { WHERE } from '../config/env.js';
import { slackErrorCode } from './services/slack-errors.js';

/** Why Roster cannot start, in one sentence a person can act on; main prints it as is. */
export class StartupProblem extends Error {
  override name = 'StartupProblem';
}

/** Slack's answers that mean "this token is not valid for this call", not "try again later". */
const REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'team_disabled',
  'user_removed_from_team',
]);

function refusal(error: unknown): string | undefined {
  const code = slackErrorCode(error);
  return code !== undefined && REFUSED.has(code) ? code : undefined;
}

/**
 * Runs `attempt` (a call made with the token `name`); when Slack refuses the token, throws a
 * StartupProblem naming the variable and where to get a good one (never the token itself).
 */
export async function checkToken<T>(name: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN', attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    const code = refusal(error);
    if (code === undefined) throw error;
    throw new StartupProblem(`Slack refused ${name} (${code}); put a valid one in .env or the environment and start again, taking it from ${WHERE[name]}.`);
  }
}
