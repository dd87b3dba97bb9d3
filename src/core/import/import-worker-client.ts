/**
 * The main thread's side of the import workers: checks and row streams run as tasks of a bounded
 * pool (import-worker-pool.ts), one task per worker, each with its own heap. Reading, decoding,
 * parsing and validating all happen there; the main thread only receives validated rows in batches.
 *
 * From the compiled build the worker is `import-worker.js` next to this module; from the
 * TypeScript sources (tsx, vitest) it is `import-worker-tsx.mjs`, which loads `import-worker.ts`
 * through tsx's API, because a worker thread does not inherit the parent's TypeScript loader.
 */
import type { CheckedFile, Failure } from './check-file.js';
import { ImportWorkerPool, type PoolSettings, type TaskCallbacks, type WorkerStop } from './import-worker-pool.js';
import { ROW_BATCH_CHARS, type WorkerReply } from './import-worker-protocol.js';
import { ImportFileChangedError } from './stream-rows.js';
import type { ImportLimits, ImportReadOptions, ImportRow } from './types.js';

/**
 * The pool: at most 3 tasks read at once, each in a 64 MB heap, so the readers take at most
 * ~3 × 72 MB (old + young generation) whatever is shared. A task needs far less (rows stream in
 * bounded batches: see ROW_BATCH_CHARS); 64 MB leaves room for what was not foreseen. A fourth
 * task waits for one of the three. An import's row stream holds its worker for the whole import,
 * so previews still have two while one import runs.
 */
export const IMPORT_WORKERS: PoolSettings = { workers: 3, heapMb: 64, idleMs: 30_000 };

export interface ImportWorkerSettings extends PoolSettings {
  /** A rows batch is sent once it holds this many characters (Infinity: only by row count). */
  rowBatchChars: number;
}

/**
 * The reader's worker stopped under this task: not a verdict on the file's contents. `outOfMemory`:
 * the task needed more memory than a worker may have, and the message says what to do.
 */
export class ImportReaderStoppedError extends Error {
  constructor(
    message: string,
    readonly outOfMemory: boolean,
  ) {
    super(message);
    this.name = 'ImportReaderStoppedError';
  }
}

function workerUrl(): URL {
  const fromSources = import.meta.url.endsWith('.ts');
  return new URL(fromSources ? './import-worker-tsx.mjs' : './import-worker.js', import.meta.url);
}

const pool = new ImportWorkerPool(workerUrl(), IMPORT_WORKERS);
let rowBatchChars = ROW_BATCH_CHARS;

/** For tests: the pool's size, a worker's heap (a small one makes a small file run out of memory), batch sizes. */
export function configureImportWorkers(changes: Partial<ImportWorkerSettings>): void {
  const { rowBatchChars: chars, ...poolChanges } = changes;
  if (chars !== undefined) rowBatchChars = chars;
  pool.configure(poolChanges);
}

export function importWorkerCounts(): { workers: number; busy: number; queued: number } {
  return pool.counts();
}

function stoppedError(stop: WorkerStop): ImportReaderStoppedError {
  if (stop.outOfMemory) {
    return new ImportReaderStoppedError(
      `Reading the file needed more memory than Roster allows for one file (${stop.heapMb} MB): check that it is a CSV of users, one user per row, and if it is, split it into smaller files.`,
      true,
    );
  }
  return new ImportReaderStoppedError(`Roster's file reader stopped while reading the file (${stop.error.message}).`, false);
}

/** Checks a file in a worker (see `checkImportFile`); rejects with ImportReaderStoppedError when the worker stops under it. */
export function checkInWorker(
  path: string,
  limits: ImportLimits,
  options: Pick<ImportReadOptions, 'organizationDomains'>,
  onWaiting?: () => void,
): Promise<CheckedFile | Failure> {
  return new Promise((resolve, reject) => {
    pool.run(
      { type: 'check', path, limits, options },
      {
        onReply: (reply) => {
          if (reply.type === 'checked') resolve(reply.result);
          else if (reply.type === 'error') reject(new Error(reply.message));
        },
        onStop: (stop) => reject(stoppedError(stop)),
        onWaiting,
      },
    );
  });
}

/** Streams a checked file's rows from a worker, a batch at a time, with backpressure. */
export async function* rowsFromWorker(checked: CheckedFile, onWaiting?: () => void): AsyncGenerator<ImportRow> {
  const inbox: (WorkerReply | WorkerStop)[] = [];
  let wake: (() => void) | undefined;
  const deliver = (item: WorkerReply | WorkerStop) => {
    inbox.push(item);
    wake?.();
  };
  const callbacks: TaskCallbacks = { onReply: deliver, onStop: deliver, onWaiting };
  const task = pool.run({ type: 'rows', checked, maxBatchChars: rowBatchChars }, callbacks);
  try {
    for (;;) {
      if (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const item = inbox.shift()!;
      if (!('type' in item)) throw stoppedError(item);
      if (item.type === 'error') throw item.changed ? new ImportFileChangedError() : new Error(item.message);
      if (item.type !== 'rows') return;
      yield* item.rows;
      task.send({ type: 'credit' });
    }
  } finally {
    // A consumer that stopped early frees the worker (a no-op when the task is over).
    task.cancel();
  }
}
