-- Delete, restore and purge now keep the search index in step (store/user-lifecycle.ts). What they
-- left behind before goes here; Roster re-indexes users without terms when it starts
-- (backfillSearchTerms).

-- Terms of users who are deleted or were removed for good: they found nobody and kept personal data.
DELETE FROM "UserSearchTerm" WHERE "userId" NOT IN (SELECT "id" FROM "DirectoryUser" WHERE "deletedAt" IS NULL);

-- Users restored under another username kept the old one's terms: re-indexed at start.
DELETE FROM "UserSearchTerm" WHERE "userId" IN (SELECT "targetUserId" FROM "AuditRecord" WHERE "action" = 'user.restore' AND "targetUserId" IS NOT NULL);
