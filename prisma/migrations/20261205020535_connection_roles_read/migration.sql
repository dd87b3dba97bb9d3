-- AlterTable
ALTER TABLE "DirectoryConnection" ADD COLUMN "rolesReadAt" DATETIME;
ALTER TABLE "DirectoryConnection" ADD COLUMN "rolesUnreadFor" TEXT;

