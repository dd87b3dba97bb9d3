-- Reviewed by hand: one CREATE INDEX, so checking a user's terms reads the index alone.
-- CreateIndex
CREATE INDEX "UserSearchTerm_userId_term_idx" ON "UserSearchTerm"("userId", "term");

