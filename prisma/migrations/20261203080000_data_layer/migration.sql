-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN "requestKey" TEXT;

-- AlterTable
ALTER TABLE "ImportJob" ADD COLUMN "heartbeatAt" DATETIME;
ALTER TABLE "ImportJob" ADD COLUMN "ownerId" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_DirectoryUser" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "userPrincipalName" TEXT NOT NULL,
    "upnKey" TEXT NOT NULL,
    "aliasKey" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "firstName" TEXT,
    "lastName" TEXT,
    "displayName" TEXT NOT NULL,
    "jobTitle" TEXT,
    "department" TEXT,
    "officeNumber" TEXT,
    "officePhone" TEXT,
    "mobilePhone" TEXT,
    "fax" TEXT,
    "alternateEmail" TEXT,
    "address" TEXT,
    "city" TEXT,
    "state" TEXT,
    "postalCode" TEXT,
    "country" TEXT,
    "usageLocation" TEXT,
    "accountEnabled" BOOLEAN NOT NULL DEFAULT true,
    "userType" TEXT NOT NULL DEFAULT 'member',
    "source" TEXT NOT NULL DEFAULT 'cloud',
    "slackUserId" TEXT,
    "passwordHash" TEXT NOT NULL,
    "passwordSetAt" DATETIME NOT NULL,
    "forceChangePassword" BOOLEAN NOT NULL DEFAULT true,
    "lastSignInAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "deletedAt" DATETIME,
    "importJobId" TEXT,
    "importRowNumber" INTEGER,
    CONSTRAINT "DirectoryUser_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Hand-edited: upnKey is the lower-case username of every user, active or deleted.
INSERT INTO "new_DirectoryUser" ("upnKey", "accountEnabled", "address", "aliasKey", "alternateEmail", "city", "country", "createdAt", "deletedAt", "department", "displayName", "domain", "fax", "firstName", "forceChangePassword", "id", "importJobId", "jobTitle", "lastName", "lastSignInAt", "mobilePhone", "officeNumber", "officePhone", "passwordHash", "passwordSetAt", "postalCode", "slackUserId", "source", "state", "tenantId", "updatedAt", "usageLocation", "userPrincipalName", "userType") SELECT lower("userPrincipalName"), "accountEnabled", "address", "aliasKey", "alternateEmail", "city", "country", "createdAt", "deletedAt", "department", "displayName", "domain", "fax", "firstName", "forceChangePassword", "id", "importJobId", "jobTitle", "lastName", "lastSignInAt", "mobilePhone", "officeNumber", "officePhone", "passwordHash", "passwordSetAt", "postalCode", "slackUserId", "source", "state", "tenantId", "updatedAt", "usageLocation", "userPrincipalName", "userType" FROM "DirectoryUser";
DROP TABLE "DirectoryUser";
ALTER TABLE "new_DirectoryUser" RENAME TO "DirectoryUser";
CREATE INDEX "DirectoryUser_tenantId_upnKey_idx" ON "DirectoryUser"("tenantId", "upnKey");
CREATE INDEX "DirectoryUser_tenantId_slackUserId_idx" ON "DirectoryUser"("tenantId", "slackUserId");
CREATE INDEX "DirectoryUser_tenantId_aliasKey_idx" ON "DirectoryUser"("tenantId", "aliasKey");
CREATE INDEX "DirectoryUser_importJobId_importRowNumber_idx" ON "DirectoryUser"("importJobId", "importRowNumber");
CREATE TABLE "new_AuditRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "actorSlackUserId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "targetUserId" TEXT,
    "changedFields" TEXT NOT NULL DEFAULT '[]',
    "summary" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditRecord_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Hand-edited: records about a user name it as their target user.
INSERT INTO "new_AuditRecord" ("targetUserId", "action", "actorSlackUserId", "createdAt", "id", "summary", "targetId", "targetType", "tenantId") SELECT CASE WHEN "targetType" = 'user' THEN "targetId" END, "action", "actorSlackUserId", "createdAt", "id", "summary", "targetId", "targetType", "tenantId" FROM "AuditRecord";
DROP TABLE "AuditRecord";
ALTER TABLE "new_AuditRecord" RENAME TO "AuditRecord";
CREATE INDEX "AuditRecord_tenantId_createdAt_idx" ON "AuditRecord"("tenantId", "createdAt");
CREATE INDEX "AuditRecord_targetUserId_createdAt_idx" ON "AuditRecord"("targetUserId", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Subscription_tenantId_requestKey_key" ON "Subscription"("tenantId", "requestKey");


-- Hand-written (Prisma's schema language has no partial indexes; see DEVELOPERS.md "Database and
-- migrations"): usernames and Slack links are unique among active users only, so a deleted user's
-- username and Slack member can be given to someone else, and the deleted user kept for restore.
CREATE UNIQUE INDEX "DirectoryUser_active_upn_key" ON "DirectoryUser"("tenantId", "upnKey") WHERE "deletedAt" IS NULL;
CREATE UNIQUE INDEX "DirectoryUser_active_slack_key" ON "DirectoryUser"("tenantId", "slackUserId") WHERE "deletedAt" IS NULL AND "slackUserId" IS NOT NULL;
