-- AlterTable
ALTER TABLE "DirectoryUser" ADD COLUMN     "signInReadAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "DirectoryConnection" ADD COLUMN     "signInProblem" TEXT COLLATE "C",
ADD COLUMN     "signInReadAt" TIMESTAMPTZ(3),
ADD COLUMN     "signInTriedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "LicenseSettings" ADD COLUMN     "reclaimInactiveDays" INTEGER NOT NULL DEFAULT 90;

