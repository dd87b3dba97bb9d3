-- Workspaces installed through Slack's OAuth flow (many workspaces: SLACK_CLIENT_ID, SLACK_CLIENT_SECRET
-- and SLACK_STATE_SECRET set). Each bot token is sealed with the secret key, never stored in clear.
-- CreateTable
CREATE TABLE "SlackInstallation" (
    "teamId" TEXT COLLATE "C" NOT NULL,
    "teamName" TEXT COLLATE "C" NOT NULL,
    "appId" TEXT COLLATE "C" NOT NULL,
    "botUserId" TEXT COLLATE "C" NOT NULL,
    "botId" TEXT COLLATE "C" NOT NULL,
    "botScopes" TEXT COLLATE "C" NOT NULL,
    "botTokenCiphertext" BYTEA NOT NULL,
    "botTokenIv" BYTEA NOT NULL,
    "botTokenTag" BYTEA NOT NULL,
    "installedBy" TEXT COLLATE "C" NOT NULL,
    "installedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SlackInstallation_pkey" PRIMARY KEY ("teamId")
);

