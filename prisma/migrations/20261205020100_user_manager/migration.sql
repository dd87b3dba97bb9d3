-- A user's manager (the admin center's Account > Manager): another user of the same organization.
-- Added in place rather than by Prisma's table rebuild, which would drop the hand-written partial
-- indexes of DirectoryUser. Purging the manager clears it (ON DELETE SET NULL; SQLite enforces it
-- since Roster opens every connection with foreign_keys=ON).
ALTER TABLE "DirectoryUser" ADD COLUMN "managerId" TEXT CONSTRAINT "DirectoryUser_managerId_fkey" REFERENCES "DirectoryUser" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "DirectoryUser_managerId_idx" ON "DirectoryUser"("managerId");

-- The manager as a connected tenant names it (its object id), resolved to managerId by the sync.
ALTER TABLE "DirectoryUser" ADD COLUMN "managerExternalId" TEXT;

-- CreateIndex
CREATE INDEX "DirectoryUser_tenantId_managerExternalId_idx" ON "DirectoryUser"("tenantId", "managerExternalId");
