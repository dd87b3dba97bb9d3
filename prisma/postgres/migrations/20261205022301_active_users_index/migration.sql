-- Counting an organization's active users (All users, the App Home) reads only this narrow index:
-- the wider ones made it read every user's row for "deletedAt".
CREATE INDEX "DirectoryUser_active_tenant_idx" ON "DirectoryUser"("tenantId") WHERE "deletedAt" IS NULL;
