import { webApi } from '@slack/bolt';
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

/** Who the bot token belongs to, as auth.test says. */
export interface BotIdentity {
  botUserId: string;
  botId: string;
}

/** How Roster's first call to Slack is retried before it gives up: 4 tries over about 7 s. */
export const STARTUP_RETRIES = { retries: 3, factor: 2, minTimeout: 1000, maxTimeout: 4000, randomize: false };

/**
 * Asks Slack once (auth.test) with a bounded retry, before anything else: when Slack cannot be
 * reached (no network, a proxy, a wrong SLACK_API_URL), the start stops with one sentence naming
 * the address it tried, instead of retrying for half an hour; a refused token, naming it (checkToken).
 * Returns the bot's ids, which Bolt is given so that it does not ask again; undefined when Slack
 * answered with another error (then Bolt's own check asks again and says the rest).
 */
export async function reachSlack(token: string, apiUrl: string | undefined): Promise<BotIdentity | undefined> {
  const base = apiUrl ?? 'https://slack.com/api/';
  const client = new webApi.WebClient(token, { slackApiUrl: base, retryConfig: STARTUP_RETRIES, logger: SILENT });
  try {
    const answer = await checkToken('SLACK_BOT_TOKEN', () => client.auth.test());
    return answer.user_id && answer.bot_id ? { botUserId: answer.user_id, botId: answer.bot_id } : undefined;
  } catch (error) {
    if (error instanceof StartupProblem) throw error;
    if (slackErrorCode(error) !== undefined) return undefined; // Slack answered: app.init() asks again and says the rest.
    throw unreachable(base, error);
  }
}

/** Slack did not answer at all: the start stops, naming the address tried. */
function unreachable(base: string, error: unknown): StartupProblem {
  const why = (error as { original?: { code?: string; message?: string; cause?: { code?: string } } }).original;
  return new StartupProblem(
    `Slack could not be reached at ${new URL(base).origin} (${why?.cause?.code ?? why?.code ?? why?.message ?? 'no answer'}) after 4 tries over about 7 s. Check the network, a proxy or firewall on the way, or SLACK_API_URL, and start again.`,
  );
}

/**
 * Many workspaces: before anything else, asks Slack to exchange a code that cannot be valid
 * (oauth.v2.access). Slack checks the app's credentials before the code, so `invalid_client_id`
 * or `bad_client_secret` stop the start naming the variable to fix, rather than the first install
 * failing; `invalid_code` (or any other answer) means Slack was reached and knows the app.
 */
export async function checkOAuthApp(clientId: string, clientSecret: string, apiUrl: string | undefined): Promise<void> {
  const base = apiUrl ?? 'https://slack.com/api/';
  const client = new webApi.WebClient(undefined, { slackApiUrl: base, retryConfig: STARTUP_RETRIES, logger: SILENT });
  try {
    await client.oauth.v2.access({ client_id: clientId, client_secret: clientSecret, code: 'roster-start-check' });
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'invalid_client_id')
      throw new StartupProblem(
        `Slack does not know SLACK_CLIENT_ID (invalid_client_id); put the app's Client ID in .env or the environment, taking it from ${WHERE.SLACK_CLIENT_ID}.`,
      );
    if (code === 'bad_client_secret')
      throw new StartupProblem(
        `Slack refused SLACK_CLIENT_SECRET (bad_client_secret); put the app's Client Secret in .env or the environment, taking it from ${WHERE.SLACK_CLIENT_SECRET}.`,
      );
    if (code === undefined) throw unreachable(base, error);
  }
}

const SILENT = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'error' as never, setName() {} };
