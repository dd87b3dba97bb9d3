-- AlterTable
ALTER TABLE "DirectoryUser" ADD COLUMN "signInReadAt" DATETIME;

-- AlterTable
ALTER TABLE "DirectoryConnection" ADD COLUMN "signInProblem" TEXT;
ALTER TABLE "DirectoryConnection" ADD COLUMN "signInReadAt" DATETIME;
ALTER TABLE "DirectoryConnection" ADD COLUMN "signInTriedAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LicenseSettings" (
    "tenantId" TEXT NOT NULL PRIMARY KEY,
    "alertChannelId" TEXT,
    "digestDay" INTEGER,
    "digestHour" INTEGER,
    "digestAfter" DATETIME,
    "reclaimKeepDays" INTEGER NOT NULL DEFAULT 90,
    "reclaimInactiveDays" INTEGER NOT NULL DEFAULT 90,
    CONSTRAINT "LicenseSettings_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_LicenseSettings" ("alertChannelId", "digestAfter", "digestDay", "digestHour", "reclaimKeepDays", "tenantId") SELECT "alertChannelId", "digestAfter", "digestDay", "digestHour", "reclaimKeepDays", "tenantId" FROM "LicenseSettings";
DROP TABLE "LicenseSettings";
ALTER TABLE "new_LicenseSettings" RENAME TO "LicenseSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

