-- AlterTable
ALTER TABLE "DirectoryConnection" ADD COLUMN     "rolesReadAt" TIMESTAMPTZ(3),
ADD COLUMN     "rolesUnreadFor" TEXT COLLATE "C";

