-- Workspaces installed through Slack's OAuth flow (many workspaces: SLACK_CLIENT_ID, SLACK_CLIENT_SECRET
-- and SLACK_STATE_SECRET set). Each bot token is sealed with the secret key, never stored in clear.
-- CreateTable
CREATE TABLE "SlackInstallation" (
    "teamId" TEXT NOT NULL PRIMARY KEY,
    "teamName" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "botUserId" TEXT NOT NULL,
    "botId" TEXT NOT NULL,
    "botScopes" TEXT NOT NULL,
    "botTokenCiphertext" BLOB NOT NULL,
    "botTokenIv" BLOB NOT NULL,
    "botTokenTag" BLOB NOT NULL,
    "installedBy" TEXT NOT NULL,
    "installedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

