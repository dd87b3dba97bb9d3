-- Microsoft 365 connection (issue 16): an organization may be connected to a tenant, whose mirror
-- Roster's tables then are. Written as ADD COLUMN and CREATE TABLE (not Prisma's redefinition of
-- Tenant) so nothing else on the tables moves.
ALTER TABLE "Tenant" ADD COLUMN "directory" TEXT NOT NULL DEFAULT 'embedded';

ALTER TABLE "DirectoryUser" ADD COLUMN "externalId" TEXT;
ALTER TABLE "DirectoryUser" ADD COLUMN "mirroredAt" DATETIME;

-- A tenant's object id is one user of the organization (Prisma's schema cannot say a partial index).
CREATE UNIQUE INDEX "DirectoryUser_tenant_external_key" ON "DirectoryUser"("tenantId", "externalId") WHERE "externalId" IS NOT NULL;

CREATE TABLE "DirectoryConnection" (
    "tenantId" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL,
    "microsoftTenant" TEXT NOT NULL,
    "microsoftTenantId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "secretCiphertext" BLOB NOT NULL,
    "secretIv" BLOB NOT NULL,
    "secretTag" BLOB NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "leftOutUsers" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL,
    "connectedAt" DATETIME,
    "usersDeltaLink" TEXT,
    "syncJobId" TEXT,
    "lastSyncAt" DATETIME,
    "lastSyncError" TEXT,
    "lastSyncCounts" TEXT,
    CONSTRAINT "DirectoryConnection_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
