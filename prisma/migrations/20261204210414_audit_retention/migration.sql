-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN "auditRetentionDays" INTEGER;

