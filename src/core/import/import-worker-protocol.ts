/** The messages between the main thread (import-worker-client.ts, import-worker-pool.ts) and an import worker (import-worker.ts). */
import type { CheckedFile, Failure } from './check-file.js';
import type { ImportLimits, ImportReadOptions, ImportRow } from './types.js';

export const ROWS_PER_BATCH = 500;
/**
 * A batch is also sent once its rows hold this many characters: 500 rows of ~100,000 characters
 * (the most a row may have) would be 50 MB in one batch, most of a worker's heap. With it, a rows
 * task holds at most about one batch and one row at a time, whatever the file.
 */
export const ROW_BATCH_CHARS = 1_000_000;
export const MAX_BATCHES_IN_FLIGHT = 4;

/** A task a worker runs, one at a time: checking a file, or streaming a checked file's rows. */
export type TaskRequest =
  | { type: 'check'; path: string; limits: ImportLimits; options: Pick<ImportReadOptions, 'organizationDomains'> }
  | { type: 'rows'; checked: CheckedFile; maxBatchChars: number };

/** What the main thread says about the running rows task: a batch was consumed; stop. */
export type FollowUp = { type: 'credit' } | { type: 'cancel' };

export type WorkerRequest = (TaskRequest | FollowUp) & { id: number };

export type WorkerReply =
  | { type: 'checked'; id: number; result: CheckedFile | Failure }
  | { type: 'rows'; id: number; rows: ImportRow[] }
  | { type: 'end'; id: number }
  /** A rows task stopped on request, its read closed: the worker is free. */
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; changed: boolean; message: string };

/** The replies after which a task is over and its worker free for the next one. */
export function endsTask(reply: WorkerReply): boolean {
  return reply.type !== 'rows';
}

/** Characters a row holds (its values and problem messages): what a batch is sized by. */
export function rowChars(row: ImportRow): number {
  let chars = 0;
  for (const value of Object.values(row.fields)) if (typeof value === 'string') chars += value.length;
  for (const problem of row.problems) chars += problem.message.length + problem.column.length;
  return chars;
}
