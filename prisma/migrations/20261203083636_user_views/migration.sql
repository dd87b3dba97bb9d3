-- Reviewed by hand: only CREATE TABLE and CREATE INDEX (no table redefinition, so the partial unique
-- indexes of DirectoryUser stay). Existing users get their search terms when Roster starts
-- (backfillSearchTerms in src/store/user-search.ts): splitting names into accent-free words is not SQL.
-- CreateTable
CREATE TABLE "UserSearchTerm" (
    "tenantId" TEXT NOT NULL,
    "term" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" INTEGER NOT NULL,
    "displayName" TEXT NOT NULL,

    PRIMARY KEY ("tenantId", "term", "userId", "kind")
);

-- CreateTable
CREATE TABLE "CustomView" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "conditions" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CustomView_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "UserSearchTerm_userId_idx" ON "UserSearchTerm"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "CustomView_tenantId_nameKey_key" ON "CustomView"("tenantId", "nameKey");

-- CreateIndex
CREATE INDEX "RoleAssignment_role_userId_idx" ON "RoleAssignment"("role", "userId");


-- Hand-written (Prisma cannot express partial indexes): the user lists page through active users in
-- (displayName, id) order (keyset paging, src/store/user-views.ts). The sparse standard views get
-- their own, so a page of "Users with errors" or "Sign-in blocked" never walks every user.
CREATE INDEX "DirectoryUser_active_name_idx" ON "DirectoryUser"("tenantId", "displayName", "id") WHERE "deletedAt" IS NULL;
CREATE INDEX "DirectoryUser_error_name_idx" ON "DirectoryUser"("tenantId", "displayName", "id") WHERE "deletedAt" IS NULL AND "licenseError" IS NOT NULL;
CREATE INDEX "DirectoryUser_blocked_name_idx" ON "DirectoryUser"("tenantId", "displayName", "id") WHERE "deletedAt" IS NULL AND "accountEnabled" = 0;
CREATE INDEX "DirectoryUser_guest_name_idx" ON "DirectoryUser"("tenantId", "displayName", "id") WHERE "deletedAt" IS NULL AND "userType" = 'guest';
