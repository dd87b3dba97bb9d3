-- A synced user signs in with their on-premises password: one marked synced before this version kept its cloud password.
UPDATE "DirectoryUser" SET "passwordHash" = '', "forceChangePassword" = false WHERE "source" = 'synced';
