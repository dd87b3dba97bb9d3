-- Domain management: a default domain per organization and the TXT value that verifies a custom
-- domain. Written as ADD COLUMN (not Prisma's table redefinition) so nothing else on the table moves.
ALTER TABLE "Domain" ADD COLUMN "isDefault" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Domain" ADD COLUMN "verificationCode" TEXT;

-- No domain is the default until a Global admin chooses one: until then new users are offered the
-- custom domains first and the initial domain last, as before.
-- At most one default domain per organization (Prisma's schema cannot say a partial index).
CREATE UNIQUE INDEX "Domain_one_default_key" ON "Domain"("tenantId") WHERE "isDefault" = 1;
