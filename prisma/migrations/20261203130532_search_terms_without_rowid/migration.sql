-- Hand-written (Prisma's schema language has no WITHOUT ROWID; see DEVELOPERS.md "Database and
-- migrations"). The search terms become a WITHOUT ROWID table whose primary key (tenantId, term,
-- displayName, userId) is the covering index of a prefix range: an imported word now costs two B-tree
-- entries (the table and the userId index) instead of five, and the "kind" column goes, since whole
-- usernames and aliases are matched on DirectoryUser's own (tenantId, upnKey) and (tenantId, aliasKey)
-- indexes (src/store/user-search.ts). The word terms (kind 2) are kept as they are; no table that
-- references this one, and no partial index, is touched.
CREATE TABLE "new_UserSearchTerm" (
    "tenantId" TEXT NOT NULL,
    "term" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    PRIMARY KEY ("tenantId", "term", "displayName", "userId")
) WITHOUT ROWID;
INSERT INTO "new_UserSearchTerm" ("tenantId", "term", "displayName", "userId")
    SELECT DISTINCT "tenantId", "term", "displayName", "userId" FROM "UserSearchTerm" WHERE "kind" = 2;
DROP TABLE "UserSearchTerm";
ALTER TABLE "new_UserSearchTerm" RENAME TO "UserSearchTerm";
CREATE INDEX "UserSearchTerm_userId_term_idx" ON "UserSearchTerm"("userId", "term");
