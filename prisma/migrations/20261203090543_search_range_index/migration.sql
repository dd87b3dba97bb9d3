-- Reviewed by hand: one CREATE INDEX. A prefix's range is ranked from this index alone (no table row read).
-- CreateIndex
CREATE INDEX "UserSearchTerm_tenantId_term_kind_displayName_userId_idx" ON "UserSearchTerm"("tenantId", "term", "kind", "displayName", "userId");

