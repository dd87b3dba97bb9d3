-- Seat alerts and reclaiming licenses (issue 17): per product its alert state and price, per
-- organization where alerts go and the weekly digest, and the users kept out of the reclaim report.
-- CreateTable
CREATE TABLE "ProductSetting" (
    "tenantId" TEXT NOT NULL,
    "skuId" TEXT NOT NULL,
    "alertThreshold" INTEGER,
    "belowSince" DATETIME,
    "crossings" INTEGER NOT NULL DEFAULT 0,
    "monthlyPriceMinor" INTEGER,
    "currency" TEXT,

    PRIMARY KEY ("tenantId", "skuId"),
    CONSTRAINT "ProductSetting_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LicenseSettings" (
    "tenantId" TEXT NOT NULL PRIMARY KEY,
    "alertChannelId" TEXT,
    "digestDay" INTEGER,
    "digestHour" INTEGER,
    "digestAfter" DATETIME,
    "reclaimKeepDays" INTEGER NOT NULL DEFAULT 90,
    CONSTRAINT "LicenseSettings_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LicenseKeep" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "keptUntil" DATETIME NOT NULL,
    "keptBy" TEXT NOT NULL,
    "keptAt" DATETIME NOT NULL,
    CONSTRAINT "LicenseKeep_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "LicenseKeep_tenantId_keptUntil_idx" ON "LicenseKeep"("tenantId", "keptUntil");

-- Every seat pool gets its row (new pools get theirs where they are made, src/store/seat-ledger.ts).
-- A product already below the organization's seat warning counts as alerted: no alert for what was
-- so before this version; the next crossing after it rises again alerts.
INSERT INTO "ProductSetting" ("tenantId", "skuId", "belowSince", "crossings")
SELECT p."tenantId", p."skuId",
       CASE WHEN p."total" > 0 AND p."total" - p."assigned" < t."seatWarningThreshold" THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ELSE NULL END,
       0
FROM "LicensePool" p JOIN "Tenant" t ON t."id" = p."tenantId";
