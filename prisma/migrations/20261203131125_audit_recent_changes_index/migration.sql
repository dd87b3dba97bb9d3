-- Hand-written (Prisma's schema language has no partial indexes; see DEVELOPERS.md "Database and
-- migrations"). The App Home's "recent changes" leave out the one record per imported user; with
-- only (tenantId, createdAt) SQLite stepped back over every such record to find the last ten other
-- changes: after a 50,000-row import, ~11 ms per App Home refresh, on the event loop. Here those
-- records are not in the index at all. src/store/audit.ts `recentChanges` spells the same condition
-- with literals, which is what lets SQLite use a partial index.
CREATE INDEX "AuditRecord_recent_changes_idx" ON "AuditRecord"("tenantId", "createdAt") WHERE NOT ("action" = 'users.import' AND "targetType" = 'user');
