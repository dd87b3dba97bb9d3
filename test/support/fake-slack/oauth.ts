/**
 * Slack's OAuth v2 install flow, as the fake plays it: the authorize page (GET /oauth/v2/authorize,
 * the installer's browser signed in as the member named by the `fake_slack_user` cookie, who
 * presses Allow at once) and oauth.v2.access, which exchanges the code for a bot token of the
 * installer's workspace, with Slack's errors: invalid_client_id, bad_client_secret, invalid_code
 * (unknown, used, or older than 10 minutes) and bad_redirect_uri.
 */
import { type FakeState, type Handler, optStr, reqStr } from './state.js';
import { SlackApiError } from './types.js';

/** Methods Slack answers without a token. */
export const TOKENLESS_METHODS = new Set(['oauth.v2.access', 'api.test']);

/** The cookie naming the member the fake's browser is signed in as. */
export const BROWSER_USER_COOKIE = 'fake_slack_user';

const CODE_TTL_MS = 10 * 60_000;

type Page = { status: number; headers: Record<string, string>; body: string };

const page = (status: number, body: string): Page => ({ status, headers: { 'content-type': 'text/plain' }, body });

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * The consent page: checks the app and the redirect URL as Slack does, then "Allow": a redirect to
 * the app's Redirect URL with a code for the signed-in member's workspace and the state given.
 */
export function serveAuthorizePage(s: FakeState, query: URLSearchParams, cookies: string | undefined): Page {
  if (query.get('client_id') !== s.config.clientId) return page(400, 'invalid_client_id: no app has this client_id');
  const asked = query.get('redirect_uri') ?? undefined;
  const redirect = asked ?? s.config.redirectUrls[0];
  if (!redirect) return page(400, 'bad_redirect_uri: the app has no Redirect URL (OAuth & Permissions) and the request named none');
  if (asked !== undefined && !s.config.redirectUrls.some((url) => asked.startsWith(url)))
    return page(400, `bad_redirect_uri: ${asked} is not one of the app's Redirect URLs`);
  const userId = cookie(cookies, BROWSER_USER_COOKIE);
  if (!userId || !s.users.has(userId)) return page(401, 'not signed in: the browser needs a fake_slack_user cookie naming a seeded member');
  const code = `${s.teamOfUser(userId)}.${s.nextToken()}${s.nextToken()}`;
  s.oauthCodes.set(code, {
    teamId: s.teamOfUser(userId),
    userId,
    scopes: (query.get('scope') ?? '').split(',').filter(Boolean),
    ...(asked !== undefined ? { redirectUri: asked } : {}),
    issuedAt: Date.now(),
    used: false,
  });
  const target = new URL(redirect);
  target.searchParams.set('code', code);
  const state = query.get('state');
  if (state !== null) target.searchParams.set('state', state);
  return { status: 302, headers: { location: target.toString(), 'content-type': 'text/plain' }, body: '' };
}

export const oauthMethods: Record<string, Handler> = {
  'oauth.v2.access': (args, s) => {
    if (optStr(args, 'client_id') !== s.config.clientId) throw new SlackApiError('invalid_client_id');
    if (optStr(args, 'client_secret') !== s.config.clientSecret) throw new SlackApiError('bad_client_secret');
    const code = s.oauthCodes.get(reqStr(args, 'code'));
    if (!code || code.used || Date.now() - code.issuedAt > CODE_TTL_MS) throw new SlackApiError('invalid_code');
    const redirectUri = optStr(args, 'redirect_uri');
    if (redirectUri !== code.redirectUri && !(code.redirectUri === undefined && redirectUri !== undefined && s.config.redirectUrls.includes(redirectUri))) {
      throw new SlackApiError('bad_redirect_uri', [`[ERROR] redirect_uri must be the one the authorize request named (${code.redirectUri ?? 'none'})`]);
    }
    code.used = true;
    const team = s.teams.get(code.teamId);
    if (!team) throw new SlackApiError('invalid_code');
    const token = `xoxb-${team.id}-${s.nextToken()}`;
    s.tokens.set(token, { teamId: team.id, revoked: false });
    return {
      ok: true,
      app_id: s.config.appId,
      authed_user: { id: code.userId },
      scope: code.scopes.join(','),
      token_type: 'bot',
      access_token: token,
      bot_user_id: team.botUserId,
      team: { id: team.id, name: team.name },
      enterprise: null,
      is_enterprise_install: false,
    };
  },
};
