import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { sqliteDate, statement } from '../store/statements.js';

/*
 * Every write to an ImportJob, on the core's synchronous connection like all other writes (see
 * store/write-transaction.ts): Prisma runs an upsert or an updateMany as a transaction spread over
 * several awaits, and a synchronous writer arriving in between would wait out the busy timeout.
 */

export type ImportJobStatus = 'previewed' | 'running' | 'interrupted' | 'completed' | 'cancelled' | 'failed';

export interface PreviewJobData {
  tenantId: string;
  requestedBy: string;
  fileId: string;
  fileName: string;
  fileSha256: string;
  layout: string;
  channelId: string | null;
  threadTs: string | null;
  rowsRead: number;
  rowsReady: number;
  rowsWithProblems: number;
}

/**
 * Records a previewed job for a file, or returns the one already there (the same upload previewed
 * again): a previewed job takes the new counts, since the organization may have changed.
 */
export function savePreviewJob(db: Database.Database, data: PreviewJobData, at: Date): { id: string; status: string } {
  const now = sqliteDate(at);
  statement(
    db,
    `INSERT INTO ImportJob (id, tenantId, requestedBy, fileId, fileName, fileSha256, layout, channelId, threadTs, rowsRead, rowsReady, rowsWithProblems, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenantId, fileId) DO UPDATE SET rowsRead = excluded.rowsRead, rowsReady = excluded.rowsReady,
       rowsWithProblems = excluded.rowsWithProblems, updatedAt = excluded.updatedAt
     WHERE ImportJob.status = 'previewed'`,
  ).run(
    randomUUID(), data.tenantId, data.requestedBy, data.fileId, data.fileName, data.fileSha256, data.layout,
    data.channelId, data.threadTs, data.rowsRead, data.rowsReady, data.rowsWithProblems, now, now,
  );
  return statement(db, 'SELECT id, status FROM ImportJob WHERE tenantId = ? AND fileId = ?').get(data.tenantId, data.fileId) as { id: string; status: string };
}

/** Moves a job from one of `from` to `to` (with extra columns); false when it was not in `from`. */
export function moveImportJob(
  db: Database.Database,
  jobId: string,
  from: readonly ImportJobStatus[],
  to: ImportJobStatus,
  at: Date,
  extra: { settings?: string; requestedBy?: string; startedAt?: Date; finishedAt?: Date } = {},
): boolean {
  const now = sqliteDate(at);
  return (
    statement(
      db,
      `UPDATE ImportJob SET status = ?, updatedAt = ?, settings = COALESCE(?, settings), requestedBy = COALESCE(?, requestedBy),
         startedAt = COALESCE(?, startedAt), finishedAt = COALESCE(?, finishedAt)
       WHERE id = ? AND status IN (SELECT value FROM json_each(?))`,
    ).run(
      to, now, extra.settings ?? null, extra.requestedBy ?? null, extra.startedAt ? sqliteDate(extra.startedAt) : null,
      extra.finishedAt ? sqliteDate(extra.finishedAt) : null, jobId, JSON.stringify(from),
    ).changes === 1
  );
}

export function saveImportMessage(db: Database.Database, jobId: string, message: { channel: string; ts: string }, at: Date): void {
  statement(db, 'UPDATE ImportJob SET channelId = ?, messageTs = ?, updatedAt = ? WHERE id = ?').run(message.channel, message.ts, sqliteDate(at), jobId);
}

export function saveImportOutcome(
  db: Database.Database,
  jobId: string,
  outcome: { status: 'completed' | 'failed'; failure: string | null; rowsDone: number; rowsCreated: number; rowsUnlicensed: number; rowsSkipped: number },
  at: Date,
): void {
  const now = sqliteDate(at);
  statement(
    db,
    `UPDATE ImportJob SET status = ?, failure = ?, finishedAt = ?, updatedAt = ?, rowsDone = ?, rowsCreated = ?, rowsUnlicensed = ?, rowsSkipped = ?
     WHERE id = ?`,
  ).run(outcome.status, outcome.failure, now, now, outcome.rowsDone, outcome.rowsCreated, outcome.rowsUnlicensed, outcome.rowsSkipped, jobId);
}
