-- Reviewed by hand: only CREATE TABLE and CREATE INDEX (no table is redefined, so the partial
-- unique indexes of DirectoryUser are untouched).
-- CreateTable
CREATE TABLE "PendingCredential" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "userPrincipalName" TEXT NOT NULL,
    "sentBy" TEXT NOT NULL,
    "notice" TEXT NOT NULL,
    "ciphertext" BLOB,
    "iv" BLOB,
    "tag" BLOB,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "viewedAt" DATETIME,
    "viewedBy" TEXT,
    "expiredAt" DATETIME,
    "channel" TEXT,
    "messageTs" TEXT,
    CONSTRAINT "PendingCredential_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ImportChannel" (
    "tenantId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "addedBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("tenantId", "channelId"),
    CONSTRAINT "ImportChannel_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "PendingCredential_expiresAt_idx" ON "PendingCredential"("expiresAt");

-- CreateIndex
CREATE INDEX "PendingCredential_tenantId_createdAt_idx" ON "PendingCredential"("tenantId", "createdAt");

