-- A user's manager (the admin center's Account > Manager); purging the manager clears it.
-- AlterTable
ALTER TABLE "DirectoryUser" ADD COLUMN     "managerId" TEXT COLLATE "C";

-- CreateIndex
CREATE INDEX "DirectoryUser_managerId_idx" ON "DirectoryUser"("managerId");

-- AddForeignKey
ALTER TABLE "DirectoryUser" ADD CONSTRAINT "DirectoryUser_managerId_fkey" FOREIGN KEY ("managerId") REFERENCES "DirectoryUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The manager as a connected tenant names it (its object id), resolved to managerId by the sync.
ALTER TABLE "DirectoryUser" ADD COLUMN     "managerExternalId" TEXT COLLATE "C";

-- CreateIndex
CREATE INDEX "DirectoryUser_tenantId_managerExternalId_idx" ON "DirectoryUser"("tenantId", "managerExternalId");
