-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "directory" TEXT COLLATE "C" NOT NULL DEFAULT 'embedded';

-- AlterTable
ALTER TABLE "DirectoryUser" ADD COLUMN     "externalId" TEXT COLLATE "C",
ADD COLUMN     "mirroredAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "DirectoryConnection" (
    "tenantId" TEXT COLLATE "C" NOT NULL,
    "status" TEXT COLLATE "C" NOT NULL,
    "microsoftTenant" TEXT COLLATE "C" NOT NULL,
    "microsoftTenantId" TEXT COLLATE "C" NOT NULL,
    "displayName" TEXT COLLATE "C" NOT NULL,
    "clientId" TEXT COLLATE "C" NOT NULL,
    "secretCiphertext" BYTEA NOT NULL,
    "secretIv" BYTEA NOT NULL,
    "secretTag" BYTEA NOT NULL,
    "requestedBy" TEXT COLLATE "C" NOT NULL,
    "leftOutUsers" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "connectedAt" TIMESTAMPTZ(3),
    "usersDeltaLink" TEXT COLLATE "C",
    "syncJobId" TEXT COLLATE "C",
    "lastSyncAt" TIMESTAMPTZ(3),
    "lastSyncError" TEXT COLLATE "C",
    "lastSyncCounts" TEXT COLLATE "C",

    CONSTRAINT "DirectoryConnection_pkey" PRIMARY KEY ("tenantId")
);

-- AddForeignKey
ALTER TABLE "DirectoryConnection" ADD CONSTRAINT "DirectoryConnection_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A tenant's object id is one user of the organization (Prisma's schema cannot say a partial index).
CREATE UNIQUE INDEX "DirectoryUser_tenant_external_key" ON "DirectoryUser"("tenantId", "externalId") WHERE "externalId" IS NOT NULL;
