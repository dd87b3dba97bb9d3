/** The messages between the main thread (import-worker-client.ts) and the import worker (import-worker.ts). */
import type { CheckedFile, Failure } from './check-file.js';
import type { ImportLimits, ImportReadOptions, ImportRow } from './types.js';

export const ROWS_PER_BATCH = 500;
export const MAX_BATCHES_IN_FLIGHT = 4;

export type WorkerRequest =
  | { type: 'check'; id: number; path: string; limits: ImportLimits; options: ImportReadOptions }
  | { type: 'rows'; id: number; checked: CheckedFile }
  | { type: 'credit'; id: number }
  | { type: 'cancel'; id: number };

export type WorkerReply =
  | { type: 'checked'; id: number; result: CheckedFile | Failure }
  | { type: 'rows'; id: number; rows: ImportRow[] }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; changed: boolean; message: string };
