-- Hand-written (Prisma's schema language has no partial indexes; see DEVELOPERS.md "Database and
-- migrations"). The purge sweep (every 10 minutes) looked for users deleted 30+ days ago and for
-- mailboxes whose grace has ended by scanning every user: ~30 ms each at 100,000 users, on the event
-- loop. These indexes hold only deleted users and users with a mailbox grace date, so an import,
-- whose users have neither, writes nothing to them. The queries in src/store/user-lifecycle.ts
-- state the same IS NOT NULL conditions, which is what lets SQLite use them.
CREATE INDEX "DirectoryUser_deleted_at_idx" ON "DirectoryUser"("deletedAt") WHERE "deletedAt" IS NOT NULL;
CREATE INDEX "DirectoryUser_mailbox_grace_idx" ON "DirectoryUser"("mailboxGraceEndsAt") WHERE "mailboxGraceEndsAt" IS NOT NULL;
