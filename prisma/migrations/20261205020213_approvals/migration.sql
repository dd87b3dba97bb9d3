-- CreateTable
CREATE TABLE "ApprovalPolicy" (
    "tenantId" TEXT NOT NULL PRIMARY KEY,
    "roleGrants" BOOLEAN NOT NULL DEFAULT false,
    "deletes" BOOLEAN NOT NULL DEFAULT false,
    "purges" BOOLEAN NOT NULL DEFAULT false,
    "bulkAbove" INTEGER,
    "seatsAbove" INTEGER,
    "validHours" INTEGER NOT NULL DEFAULT 24,
    "updatedAt" DATETIME NOT NULL,
    "updatedBy" TEXT NOT NULL,
    CONSTRAINT "ApprovalPolicy_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApprovalRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    "sealed" BOOLEAN NOT NULL DEFAULT false,
    "summary" TEXT NOT NULL,
    "requester" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "decidedBy" TEXT,
    "decidedAt" DATETIME,
    "reason" TEXT,
    "outcome" TEXT,
    "messages" TEXT NOT NULL DEFAULT '[]',
    CONSTRAINT "ApprovalRequest_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ApprovalRequest_tenantId_status_createdAt_idx" ON "ApprovalRequest"("tenantId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "ApprovalRequest_status_expiresAt_idx" ON "ApprovalRequest"("status", "expiresAt");

