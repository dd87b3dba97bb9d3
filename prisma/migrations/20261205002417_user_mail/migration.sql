-- AlterTable
ALTER TABLE "DirectoryUser" ADD COLUMN "mailKey" TEXT;

-- CreateIndex
CREATE INDEX "DirectoryUser_tenantId_mailKey_idx" ON "DirectoryUser"("tenantId", "mailKey");

