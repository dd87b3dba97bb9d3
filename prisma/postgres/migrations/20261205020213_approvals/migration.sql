-- CreateTable
CREATE TABLE "ApprovalPolicy" (
    "tenantId" TEXT COLLATE "C" NOT NULL,
    "roleGrants" BOOLEAN NOT NULL DEFAULT false,
    "deletes" BOOLEAN NOT NULL DEFAULT false,
    "purges" BOOLEAN NOT NULL DEFAULT false,
    "bulkAbove" INTEGER,
    "seatsAbove" INTEGER,
    "validHours" INTEGER NOT NULL DEFAULT 24,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedBy" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "ApprovalPolicy_pkey" PRIMARY KEY ("tenantId")
);

-- CreateTable
CREATE TABLE "ApprovalRequest" (
    "id" TEXT COLLATE "C" NOT NULL,
    "tenantId" TEXT COLLATE "C" NOT NULL,
    "kind" TEXT COLLATE "C" NOT NULL,
    "input" TEXT COLLATE "C" NOT NULL,
    "sealed" BOOLEAN NOT NULL DEFAULT false,
    "summary" TEXT COLLATE "C" NOT NULL,
    "requester" TEXT COLLATE "C" NOT NULL,
    "requestedBy" TEXT COLLATE "C" NOT NULL,
    "status" TEXT COLLATE "C" NOT NULL DEFAULT 'pending',
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedBy" TEXT COLLATE "C",
    "decidedAt" TIMESTAMPTZ(3),
    "reason" TEXT COLLATE "C",
    "outcome" TEXT COLLATE "C",
    "messages" TEXT COLLATE "C" NOT NULL DEFAULT '[]',

    CONSTRAINT "ApprovalRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ApprovalRequest_tenantId_status_createdAt_idx" ON "ApprovalRequest"("tenantId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "ApprovalRequest_status_expiresAt_idx" ON "ApprovalRequest"("status", "expiresAt");

-- AddForeignKey
ALTER TABLE "ApprovalPolicy" ADD CONSTRAINT "ApprovalPolicy_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalRequest" ADD CONSTRAINT "ApprovalRequest_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

