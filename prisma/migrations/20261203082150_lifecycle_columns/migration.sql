-- Hand-written as ALTER TABLE ... ADD COLUMN (what Prisma's diff would have done is redefine both
-- tables, which drops the hand-written partial unique indexes of DirectoryUser; see DEVELOPERS.md).
ALTER TABLE "Tenant" ADD COLUMN "seatWarningThreshold" INTEGER NOT NULL DEFAULT 5;

ALTER TABLE "DirectoryUser" ADD COLUMN "licenseError" TEXT;
ALTER TABLE "DirectoryUser" ADD COLUMN "deletedLicenses" TEXT;
ALTER TABLE "DirectoryUser" ADD COLUMN "mailbox" TEXT NOT NULL DEFAULT 'none';
ALTER TABLE "DirectoryUser" ADD COLUMN "mailboxGraceEndsAt" DATETIME;
