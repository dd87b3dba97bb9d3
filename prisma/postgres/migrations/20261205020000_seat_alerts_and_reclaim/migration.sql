-- Seat alerts and reclaiming licenses (issue 17): per product its alert state and price, per
-- organization where alerts go and the weekly digest, and the users kept out of the reclaim report.
-- CreateTable
CREATE TABLE "ProductSetting" (
    "tenantId" TEXT COLLATE "C" NOT NULL,
    "skuId" TEXT COLLATE "C" NOT NULL,
    "alertThreshold" INTEGER,
    "belowSince" TIMESTAMPTZ(3),
    "crossings" INTEGER NOT NULL DEFAULT 0,
    "monthlyPriceMinor" INTEGER,
    "currency" TEXT COLLATE "C",

    CONSTRAINT "ProductSetting_pkey" PRIMARY KEY ("tenantId","skuId")
);

-- CreateTable
CREATE TABLE "LicenseSettings" (
    "tenantId" TEXT COLLATE "C" NOT NULL,
    "alertChannelId" TEXT COLLATE "C",
    "digestDay" INTEGER,
    "digestHour" INTEGER,
    "digestAfter" TIMESTAMPTZ(3),
    "reclaimKeepDays" INTEGER NOT NULL DEFAULT 90,

    CONSTRAINT "LicenseSettings_pkey" PRIMARY KEY ("tenantId")
);

-- CreateTable
CREATE TABLE "LicenseKeep" (
    "userId" TEXT COLLATE "C" NOT NULL,
    "tenantId" TEXT COLLATE "C" NOT NULL,
    "keptUntil" TIMESTAMPTZ(3) NOT NULL,
    "keptBy" TEXT COLLATE "C" NOT NULL,
    "keptAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LicenseKeep_pkey" PRIMARY KEY ("userId")
);

-- CreateIndex
CREATE INDEX "LicenseKeep_tenantId_keptUntil_idx" ON "LicenseKeep"("tenantId", "keptUntil");

-- AddForeignKey
ALTER TABLE "ProductSetting" ADD CONSTRAINT "ProductSetting_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LicenseSettings" ADD CONSTRAINT "LicenseSettings_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LicenseKeep" ADD CONSTRAINT "LicenseKeep_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every seat pool gets its row (new pools get theirs where they are made, src/store/seat-ledger.ts).
-- A product already below the organization's seat warning counts as alerted: no alert for what was
-- so before this version; the next crossing after it rises again alerts.
INSERT INTO "ProductSetting" ("tenantId", "skuId", "belowSince", "crossings")
SELECT p."tenantId", p."skuId",
       CASE WHEN p."total" > 0 AND p."total" - p."assigned" < t."seatWarningThreshold" THEN now() ELSE NULL END,
       0
FROM "LicensePool" p JOIN "Tenant" t ON t."id" = p."tenantId";
