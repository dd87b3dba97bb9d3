/**
 * The bot scopes Roster asks for when a workspace installs it through Slack's OAuth flow (many
 * workspaces). The same as manifest.yml's `oauth_config.scopes.bot`, which says why each is needed
 * (test/slack/workspaces-oauth.test.ts keeps the two equal).
 */
export const BOT_SCOPES: readonly string[] = [
  'commands',
  'chat:write',
  'im:write',
  'users:read',
  'users:read.email',
  'files:read',
  'files:write',
  'im:history',
];
