import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { ImportJob } from '../generated/kysely/database.js';
import type { Db } from './database.js';
import { fromDbDate, fromDbJson, toDbDate, toDbJson } from './values.js';

/** All SQL about CSV import jobs: preview, start, progress, ownership and outcome. */

export const IMPORT_JOB_STATUSES = ['previewed', 'running', 'interrupted', 'completed', 'cancelled', 'failed'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

export interface ImportJobRecord {
  id: string;
  tenantId: string;
  requestedBy: string;
  /** The Slack file id (or "cli:<sha256>" for the command line). */
  fileId: string;
  fileName: string;
  /** SHA-256 of the file's bytes: a resumed run must read the same file. */
  fileSha256: string;
  layout: string;
  channelId: string | null;
  threadTs: string | null;
  /** The message that shows the preview, then the progress and the outcome. */
  messageTs: string | null;
  status: ImportJobStatus;
  /** The process running the job and its last sign of life (heartbeatAt). */
  ownerId: string | null;
  rowsRead: number;
  rowsReady: number;
  rowsWithProblems: number;
  rowsDone: number;
  rowsCreated: number;
  rowsUnlicensed: number;
  rowsSkipped: number;
  failure: string | null;
  /** The settings as stored (decoded JSON, null when the text was not JSON); the core checks them with its schema. */
  settings: unknown;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
}

function isStatus(value: string): value is ImportJobStatus {
  return (IMPORT_JOB_STATUSES as readonly string[]).includes(value);
}

function toRecord(row: Selectable<ImportJob>): ImportJobRecord {
  if (!isStatus(row.status)) throw new Error(`import ${row.id} has an unknown status "${row.status}"`);
  return {
    ...row,
    status: row.status,
    settings: fromDbJson(row.settings),
    createdAt: fromDbDate(row.createdAt),
    updatedAt: fromDbDate(row.updatedAt),
    startedAt: fromDbDate(row.startedAt),
    finishedAt: fromDbDate(row.finishedAt),
    heartbeatAt: fromDbDate(row.heartbeatAt),
  };
}

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
export async function savePreviewJob(db: Db, data: PreviewJobData, at: Date): Promise<{ id: string; status: ImportJobStatus }> {
  const stamp = toDbDate(at);
  await db
    .insertInto('ImportJob')
    .values({ id: randomUUID(), ...data, createdAt: stamp, updatedAt: stamp })
    .onConflict((conflict) =>
      conflict
        .columns(['tenantId', 'fileId'])
        .doUpdateSet((eb) => ({
          rowsRead: eb.ref('excluded.rowsRead'),
          rowsReady: eb.ref('excluded.rowsReady'),
          rowsWithProblems: eb.ref('excluded.rowsWithProblems'),
          updatedAt: eb.ref('excluded.updatedAt'),
        }))
        .where('ImportJob.status', '=', 'previewed'),
    )
    .execute();
  const job = await db
    .selectFrom('ImportJob')
    .select(['id', 'status'])
    .where('tenantId', '=', data.tenantId)
    .where('fileId', '=', data.fileId)
    .executeTakeFirstOrThrow();
  if (!isStatus(job.status)) throw new Error(`import ${job.id} has an unknown status "${job.status}"`);
  return { id: job.id, status: job.status };
}

/** A job by id; with `tenantId`, only if it belongs to that organization. */
export async function findImportJob(db: Db, jobId: string, tenantId?: string): Promise<ImportJobRecord | null> {
  let query = db.selectFrom('ImportJob').selectAll().where('id', '=', jobId);
  if (tenantId) query = query.where('tenantId', '=', tenantId);
  const row = await query.executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function importJobsInStatus(db: Db, status: ImportJobStatus, tenantId?: string): Promise<ImportJobRecord[]> {
  let query = db.selectFrom('ImportJob').selectAll().where('status', '=', status);
  if (tenantId) query = query.where('tenantId', '=', tenantId);
  const rows = await query.orderBy('createdAt').execute();
  return rows.map(toRecord);
}

export interface JobMove {
  settings?: object;
  requestedBy?: string;
  startedAt?: Date;
  finishedAt?: Date;
  /** The process that runs the job from now on (null: nobody). */
  ownerId?: string | null;
}

/** Moves a job from one of `from` to `to`, with extra columns; false when it was not in `from`. */
export async function moveImportJob(
  db: Db,
  jobId: string,
  from: readonly ImportJobStatus[],
  to: ImportJobStatus,
  at: Date,
  extra: JobMove = {},
): Promise<boolean> {
  const stamp = toDbDate(at);
  const result = await db
    .updateTable('ImportJob')
    .set({
      status: to,
      updatedAt: stamp,
      ...(extra.settings !== undefined ? { settings: toDbJson(extra.settings) } : {}),
      ...(extra.requestedBy !== undefined ? { requestedBy: extra.requestedBy } : {}),
      ...(extra.startedAt ? { startedAt: toDbDate(extra.startedAt) } : {}),
      ...(extra.finishedAt ? { finishedAt: toDbDate(extra.finishedAt) } : {}),
      ...(extra.ownerId !== undefined ? { ownerId: extra.ownerId, heartbeatAt: extra.ownerId ? stamp : null } : {}),
    })
    .where('id', '=', jobId)
    .where('status', 'in', from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * The owner's run stopped short (its file's reader stopped under it) and the job goes back to
 * `interrupted`, to be resumed; false when it was no longer this owner's running job.
 */
export async function interruptOwnedImport(db: Db, jobId: string, ownerId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('ImportJob')
    .set({ status: 'interrupted', ownerId: null, heartbeatAt: null, updatedAt: toDbDate(at) })
    .where('id', '=', jobId)
    .where('ownerId', '=', ownerId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** The owner's sign of life; false when the job is no longer this owner's (it must stop). */
export async function heartbeatImport(db: Db, jobId: string, ownerId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('ImportJob')
    .set({ heartbeatAt: toDbDate(at) })
    .where('id', '=', jobId)
    .where('ownerId', '=', ownerId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function saveImportMessage(db: Db, jobId: string, message: { channel: string; ts: string }, at: Date): Promise<void> {
  await db
    .updateTable('ImportJob')
    .set({ channelId: message.channel, messageTs: message.ts, updatedAt: toDbDate(at) })
    .where('id', '=', jobId)
    .execute();
}

export interface ImportCounts {
  rowsDone: number;
  rowsCreated: number;
  rowsUnlicensed: number;
  rowsSkipped: number;
}

/** A batch's counts, with the owner's heartbeat (inside the batch's transaction). */
export async function saveImportProgress(db: Db, jobId: string, counts: ImportCounts, at: Date): Promise<void> {
  const stamp = toDbDate(at);
  await db
    .updateTable('ImportJob')
    .set({ ...counts, updatedAt: stamp, heartbeatAt: stamp })
    .where('id', '=', jobId)
    .execute();
}

export async function saveImportOutcome(
  db: Db,
  jobId: string,
  outcome: ImportCounts & { status: 'completed' | 'failed'; failure: string | null },
  at: Date,
): Promise<void> {
  const stamp = toDbDate(at);
  await db
    .updateTable('ImportJob')
    .set({ ...outcome, finishedAt: stamp, updatedAt: stamp, ownerId: null })
    .where('id', '=', jobId)
    .execute();
}

/** The runner that took the import's job runs it from now on (a running import only); false when it is no longer running. */
export async function takeImportOwnership(db: Db, jobId: string, ownerId: string, at: Date): Promise<boolean> {
  const stamp = toDbDate(at);
  const result = await db
    .updateTable('ImportJob')
    .set({ ownerId, heartbeatAt: stamp, updatedAt: stamp })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Running imports (across organizations), for the check that each still has a job that will run it. */
export async function runningImports(db: Db): Promise<ImportJobRecord[]> {
  const rows = await db.selectFrom('ImportJob').selectAll().where('status', '=', 'running').execute();
  return rows.map(toRecord);
}
