import type { Selectable } from 'kysely';
import type { Job } from '../generated/kysely/database.js';
import { isJobStatus, type JobRecord, type JobStatus, type NewJob } from '../domain/jobs.js';
import type { Db } from './database.js';
import { dialectOf } from './dialect.js';
import { timeOrderedId } from './row-ids.js';
import { fromDbBool, fromDbDate, fromDbJson, toDbBool, toDbDate, toDbJson } from './values.js';

/** All SQL about jobs: enqueue, claim under a lease, renew it (fenced), finish, cancel, list. */

function parseJson(text: string | null): unknown {
  return text === null ? null : fromDbJson(text);
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function toRecord(row: Selectable<Job>): JobRecord {
  if (!isJobStatus(row.status)) throw new Error(`job ${row.id} has an unknown status "${row.status}"`);
  return {
    id: row.id,
    tenantId: row.tenantId,
    kind: row.kind,
    key: row.key,
    queue: row.queue,
    status: row.status,
    payload: parseJson(row.payload),
    progress: asObject(parseJson(row.progress)),
    result: row.result === null ? null : asObject(parseJson(row.result)),
    error: row.error,
    requestedBy: row.requestedBy,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    runAt: fromDbDate(row.runAt),
    leaseOwner: row.leaseOwner,
    leaseExpiresAt: fromDbDate(row.leaseExpiresAt),
    cancelRequested: fromDbBool(row.cancelRequested),
    createdAt: fromDbDate(row.createdAt),
    updatedAt: fromDbDate(row.updatedAt),
    startedAt: fromDbDate(row.startedAt),
    finishedAt: fromDbDate(row.finishedAt),
  };
}

/**
 * Adds a job; with a key already used, adds nothing. Returns the job of that key (new or existing)
 * and whether this call made it.
 */
export async function enqueueJob(db: Db, job: NewJob, at: Date): Promise<{ id: string; created: boolean }> {
  const stamp = toDbDate(at);
  const id = timeOrderedId(at.getTime());
  const inserted = await db
    .insertInto('Job')
    .values({
      id,
      tenantId: job.tenantId,
      kind: job.kind,
      key: job.key ?? null,
      queue: job.queue ?? 'app',
      status: 'queued',
      payload: toDbJson(job.payload ?? {}),
      requestedBy: job.requestedBy,
      maxAttempts: job.maxAttempts ?? 5,
      runAt: toDbDate(job.runAt ?? at),
      createdAt: stamp,
      updatedAt: stamp,
    })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await db
    .selectFrom('Job')
    .select('id')
    .where('key', '=', job.key ?? '')
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

export async function findJob(db: Db, id: string): Promise<JobRecord | null> {
  const row = await db.selectFrom('Job').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Jobs of these queues and kinds a runner may take now: queued and due, or running under a lease that ran out. */
function claimable(db: Db, queues: readonly string[] | null, kinds: readonly string[], now: string) {
  return db
    .selectFrom('Job')
    .select('id')
    .$if(queues !== null, (query) => query.where('queue', 'in', queues ?? []))
    .where('kind', 'in', kinds)
    .where((eb) =>
      eb.or([eb.and([eb('status', '=', 'queued'), eb('runAt', '<=', now)]), eb.and([eb('status', '=', 'running'), eb('leaseExpiresAt', '<', now)])]),
    );
}

/**
 * Takes the next due job of these queues for `owner`, with a lease until `leaseUntil`, counting an
 * attempt: one UPDATE of the job its subquery picks. On PostgreSQL the subquery locks the job it
 * picks and passes over jobs other runners are taking at that moment (`FOR UPDATE SKIP LOCKED`,
 * the dialect's `skipLocked`), so the runners of several instances each take a different job at
 * once instead of queuing for the first; on SQLite one writer runs at a time. On both, the
 * UPDATE's own condition (still due, or its lease run out) decides: exactly one runner gets a job.
 */
export async function claimNextJob(
  db: Db,
  /** With `id`, that job whatever its queue (a process runs a job it was given); else the next of `queues`. */
  from: { queues: readonly string[]; kinds: readonly string[]; id?: string },
  owner: string,
  now: Date,
  leaseUntil: Date,
): Promise<JobRecord | null> {
  const stamp = toDbDate(now);
  if ((from.queues.length === 0 && !from.id) || from.kinds.length === 0) return null;
  let next = claimable(db, from.id ? null : from.queues, from.kinds, stamp);
  if (from.id) next = next.where('id', '=', from.id);
  const row = await db
    .updateTable('Job')
    .set((eb) => ({
      status: 'running',
      leaseOwner: owner,
      leaseExpiresAt: toDbDate(leaseUntil),
      attempts: eb('attempts', '+', 1),
      startedAt: eb.fn.coalesce('startedAt', eb.val(stamp)),
      updatedAt: stamp,
    }))
    .where('id', '=', dialectOf(db).skipLocked(next.orderBy('runAt').limit(1)))
    .where((eb) =>
      eb.or([eb.and([eb('status', '=', 'queued'), eb('runAt', '<=', stamp)]), eb.and([eb('status', '=', 'running'), eb('leaseExpiresAt', '<', stamp)])]),
    )
    .returningAll()
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/**
 * Extends the lease of a job `owner` holds and, when given, saves its progress. False when the
 * owner lost it (the lease ran out and another runner took it, or the job was cancelled and ended):
 * called inside a step's transaction, that rolls the step back, so a job's steps never run twice.
 */
export async function renewLease(db: Db, id: string, owner: string, leaseUntil: Date, now: Date, progress?: Record<string, unknown>): Promise<boolean> {
  const result = await db
    .updateTable('Job')
    .set({ leaseExpiresAt: toDbDate(leaseUntil), updatedAt: toDbDate(now), ...(progress ? { progress: toDbJson(progress) } : {}) })
    .where('id', '=', id)
    .where('leaseOwner', '=', owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Whether someone asked to cancel this job. */
export async function cancelRequested(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('Job').select('cancelRequested').where('id', '=', id).executeTakeFirst();
  return row ? fromDbBool(row.cancelRequested) : false;
}

/** Ends a job `owner` holds: succeeded (with its result), failed (with why) or cancelled. */
export async function finishJob(
  db: Db,
  id: string,
  owner: string,
  end: { status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'>; result?: Record<string, unknown>; error?: string },
  now: Date,
): Promise<boolean> {
  const stamp = toDbDate(now);
  const result = await db
    .updateTable('Job')
    .set({
      status: end.status,
      result: end.result ? toDbJson(end.result) : null,
      error: end.error ?? null,
      leaseOwner: null,
      leaseExpiresAt: null,
      finishedAt: stamp,
      updatedAt: stamp,
    })
    .where('id', '=', id)
    .where('leaseOwner', '=', owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Gives a job back to the queue: at once (a runner draining at shutdown hands it over) or after a
 * backoff (a failed attempt). `refund` leaves the attempt uncounted (nothing failed).
 */
export async function requeueJob(
  db: Db,
  id: string,
  owner: string,
  runAt: Date,
  now: Date,
  options: { error?: string; refund?: boolean } = {},
): Promise<boolean> {
  const result = await db
    .updateTable('Job')
    .set((eb) => ({
      status: 'queued',
      leaseOwner: null,
      leaseExpiresAt: null,
      runAt: toDbDate(runAt),
      updatedAt: toDbDate(now),
      ...(options.error !== undefined ? { error: options.error } : {}),
      ...(options.refund ? { attempts: eb('attempts', '-', 1) } : {}),
    }))
    .where('id', '=', id)
    .where('leaseOwner', '=', owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Asks a job to stop. A queued one is cancelled at once (true: it ended); a running one is flagged
 * and its runner stops it at the next step (false). Null when it had already ended.
 */
export async function requestCancel(db: Db, id: string, now: Date): Promise<'cancelled' | 'stopping' | null> {
  const stamp = toDbDate(now);
  const queued = await db
    .updateTable('Job')
    .set({ status: 'cancelled', cancelRequested: toDbBool(true), finishedAt: stamp, updatedAt: stamp })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  if (queued.numUpdatedRows === 1n) return 'cancelled';
  const running = await db
    .updateTable('Job')
    .set({ cancelRequested: toDbBool(true), updatedAt: stamp })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return running.numUpdatedRows === 1n ? 'stopping' : null;
}

/** An organization's running and queued jobs, then the most recent ended ones. */
export async function jobsOfTenant(db: Db, tenantId: string, limit: number): Promise<JobRecord[]> {
  const rows = await db.selectFrom('Job').selectAll().where('tenantId', '=', tenantId).orderBy('createdAt', 'desc').limit(limit).execute();
  return rows.map(toRecord);
}

/** Running jobs whose lease owner is one of these (a process known to be gone): their leases end now. */
export async function expireLeasesOf(db: Db, owners: readonly string[], now: Date): Promise<number> {
  if (owners.length === 0) return 0;
  const result = await db
    .updateTable('Job')
    .set({ leaseExpiresAt: toDbDate(new Date(now.getTime() - 1)) })
    .where('status', '=', 'running')
    .where('leaseOwner', 'in', owners)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The lease owners of running jobs (to find those whose process is gone). */
export async function runningLeaseOwners(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('Job').select('leaseOwner').distinct().where('status', '=', 'running').where('leaseOwner', 'is not', null).execute();
  return rows.flatMap((row) => (row.leaseOwner ? [row.leaseOwner] : []));
}

/**
 * Ended jobs that finished before `before` are deleted with their outcomes (their audit records
 * stay); with `requestedByPrefix`, only those asked for by such a requester (`roster:` for Roster's own).
 */
export async function deleteEndedJobsBefore(db: Db, before: Date, options: { requestedByPrefix?: string } = {}): Promise<number> {
  const ended = (query: ReturnType<typeof endedQuery>) =>
    options.requestedByPrefix ? query.where('requestedBy', 'like', `${options.requestedByPrefix}%`) : query;
  const endedQuery = () =>
    db.selectFrom('Job').select('id').where('status', 'in', ['succeeded', 'failed', 'cancelled']).where('finishedAt', '<', toDbDate(before));
  const ids = (await ended(endedQuery()).execute()).map((row) => row.id);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await db.deleteFrom('JobOutcome').where('jobId', 'in', chunk).execute();
    await db.deleteFrom('Job').where('id', 'in', chunk).execute();
  }
  return ids.length;
}

/** Appends what a step decided for its items, numbered after those already stored (inside the step's transaction). */
export async function appendJobOutcomes(db: Db, jobId: string, items: readonly unknown[]): Promise<void> {
  if (items.length === 0) return;
  const last = await db
    .selectFrom('JobOutcome')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('jobId', '=', jobId)
    .executeTakeFirst();
  const start = (last?.seq ?? -1) + 1;
  for (let i = 0; i < items.length; i += 500) {
    await db
      .insertInto('JobOutcome')
      .values(items.slice(i, i + 500).map((item, j) => ({ jobId, seq: start + i + j, data: toDbJson(item) })))
      .execute();
  }
}

/** A job's stored outcomes in order, a page at a time. */
export async function jobOutcomes(db: Db, jobId: string, afterSeq: number, limit: number): Promise<{ seq: number; data: unknown }[]> {
  const rows = await db
    .selectFrom('JobOutcome')
    .select(['seq', 'data'])
    .where('jobId', '=', jobId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ seq: row.seq, data: parseJson(row.data) }));
}

/** The most recent job with a key starting `prefix` (an import's runs: `import:<id>:<n>`). */
export async function latestJobWithKeyPrefix(db: Db, prefix: string): Promise<JobRecord | null> {
  const row = await db
    .selectFrom('Job')
    .selectAll()
    .where('key', '>=', prefix)
    .where('key', '<', `${prefix}\uffff`)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** How many jobs have a key starting `prefix`. */
export async function countJobsWithKeyPrefix(db: Db, prefix: string): Promise<number> {
  const row = await db
    .selectFrom('Job')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('key', '>=', prefix)
    .where('key', '<', `${prefix}\uffff`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Ends a job whoever held it (its process is gone for good): failed, with why. */
export async function failAbandonedJob(db: Db, id: string, error: string, now: Date): Promise<boolean> {
  const stamp = toDbDate(now);
  const result = await db
    .updateTable('Job')
    .set({ status: 'failed', error, leaseOwner: null, leaseExpiresAt: null, finishedAt: stamp, updatedAt: stamp })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** How many of an organization's jobs are running now (on any runner). */
export async function runningJobsOfTenant(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('Job')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('status', '=', 'running')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Ends an organization's queued jobs of these kinds without running them: failed, with why.
 * Running ones are left to their runner. Returns how many ended.
 */
export async function failQueuedJobsOfTenant(db: Db, tenantId: string, kinds: readonly string[], error: string, now: Date): Promise<number> {
  if (kinds.length === 0) return 0;
  const stamp = toDbDate(now);
  const result = await db
    .updateTable('Job')
    .set({ status: 'failed', error, finishedAt: stamp, updatedAt: stamp })
    .where('tenantId', '=', tenantId)
    .where('kind', 'in', kinds)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The organization's jobs of these kinds that are queued or running, oldest first. */
export async function openJobsOfTenant(db: Db, tenantId: string, kinds: readonly string[]): Promise<JobRecord[]> {
  if (kinds.length === 0) return [];
  const rows = await db
    .selectFrom('Job')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('kind', 'in', kinds)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('createdAt')
    .execute();
  return rows.map(toRecord);
}

/** The job whose key is the greatest of those starting `prefix` (keys that end in a zero-padded generation). */
export async function lastJobByKey(db: Db, prefix: string): Promise<JobRecord | null> {
  const row = await db
    .selectFrom('Job')
    .selectAll()
    .where('key', '>=', prefix)
    .where('key', '<', `${prefix}\uffff`)
    .orderBy('key', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** An organization's jobs of these kinds not run yet (queued or running), soonest first, at most `limit`; and how many there are. */
export async function upcomingJobsOfTenant(db: Db, tenantId: string, kinds: readonly string[], limit: number): Promise<{ jobs: JobRecord[]; total: number }> {
  if (kinds.length === 0) return { jobs: [], total: 0 };
  const open = db.selectFrom('Job').where('tenantId', '=', tenantId).where('kind', 'in', kinds).where('status', 'in', ['queued', 'running']);
  const rows = await open.selectAll().orderBy('runAt').orderBy('id').limit(limit).execute();
  const count = await open.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { jobs: rows.map(toRecord), total: Number(count.n) };
}
