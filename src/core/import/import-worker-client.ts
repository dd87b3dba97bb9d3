/**
 * The main thread's side of the import worker: one worker thread, started on first use and shared
 * by every import, kept alive (ref'd) only while it has work. Reading, decoding, parsing and
 * validating all happen there; the main thread only receives validated rows in batches.
 *
 * From the compiled build the worker is `import-worker.js` next to this module; from the
 * TypeScript sources (tsx, vitest) it is `import-worker-tsx.mjs`, which loads `import-worker.ts`
 * through tsx's API, because a worker thread does not inherit the parent's TypeScript loader.
 */
import { Worker } from 'node:worker_threads';
import type { CheckedFile, Failure } from './check-file.js';
import type { WorkerReply, WorkerRequest } from './import-worker-protocol.js';
import { ImportFileChangedError } from './stream-rows.js';
import type { ImportLimits, ImportReadOptions, ImportRow } from './types.js';

/**
 * The worker's heap. Every file streams through in bounded pieces (64 KB chunks, rows of at most
 * 100,000 characters and 1,000 cells, batches of 500 rows), so it needs little; a file that
 * somehow needed more ends that worker, never the app. Small generations also keep the worker's
 * share of a 100,000-row import's peak memory small (npm run bench -- import).
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

/** What tests may change: the heap of workers started from now on (a small one makes a small file run out of memory). */
export interface ImportWorkerSettings {
  heapMb: number;
}
let heap = WORKER_HEAP;

/** For tests: the next worker started gets these limits; an idle worker is stopped. */
export function configureImportWorkers(changes: Partial<ImportWorkerSettings>): void {
  if (changes.heapMb !== undefined) heap = { ...WORKER_HEAP, maxOldGenerationSizeMb: changes.heapMb };
  if (listeners.size > 0) return;
  worker?.removeAllListeners();
  void worker?.terminate();
  worker = undefined;
}

type Listener = (reply: WorkerReply | { type: 'crash'; error: Error }) => void;

let worker: Worker | undefined;
let nextId = 1;
const listeners = new Map<number, Listener>();

function workerUrl(): URL {
  const fromSources = import.meta.url.endsWith('.ts');
  return new URL(fromSources ? './import-worker-tsx.mjs' : './import-worker.js', import.meta.url);
}

function startWorker(): Worker {
  // execArgv: [] because the parent's flags (--input-type, --cpu-prof, tsx's --import) are not the worker's business.
  const started = new Worker(workerUrl(), { execArgv: [], resourceLimits: heap });
  started.on('message', (reply: WorkerReply) => listeners.get(reply.id)?.(reply));
  const crash = (error: Error) => {
    if (worker === started) worker = undefined;
    for (const listener of [...listeners.values()]) listener({ type: 'crash', error });
  };
  started.on('error', crash);
  started.on('exit', (code) => crash(new Error(`The import worker stopped (exit code ${code}).`)));
  return started;
}

/** Registers a task's listener and sends its first request; the worker stays ref'd while tasks run. */
function begin(listener: Listener, request: (id: number) => WorkerRequest): { id: number; end: () => void } {
  worker ??= startWorker();
  const id = nextId++;
  listeners.set(id, listener);
  worker.ref();
  worker.postMessage(request(id));
  return {
    id,
    end: () => {
      listeners.delete(id);
      if (listeners.size === 0) worker?.unref();
    },
  };
}

function send(request: WorkerRequest): void {
  worker?.postMessage(request);
}

function crashMessage(error: Error): Error {
  if ((error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new Error('it needed more memory than Roster allows; check that it is a CSV of users, or split it');
  }
  return error;
}

/** Checks a file in the worker (see `checkImportFile`). */
export function checkInWorker(path: string, limits: ImportLimits, options: ImportReadOptions): Promise<CheckedFile | Failure> {
  return new Promise((resolve, reject) => {
    const task = begin(
      (reply) => {
        task.end();
        if (reply.type === 'checked') resolve(reply.result);
        else if (reply.type === 'crash') reject(crashMessage(reply.error));
        else if (reply.type === 'error') reject(new Error(reply.message));
      },
      (id) => ({ type: 'check', id, path, limits, options }),
    );
  });
}

/** Streams a checked file's rows from the worker, a batch at a time, with backpressure. */
export async function* rowsFromWorker(checked: CheckedFile): AsyncGenerator<ImportRow> {
  const queue: (WorkerReply | { type: 'crash'; error: Error })[] = [];
  let wake: (() => void) | undefined;
  const task = begin(
    (reply) => {
      queue.push(reply);
      wake?.();
    },
    (id) => ({ type: 'rows', id, checked }),
  );
  let finished = false;
  try {
    for (;;) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const reply = queue.shift()!;
      if (reply.type === 'crash') throw crashMessage(reply.error);
      if (reply.type === 'error') throw reply.changed ? new ImportFileChangedError() : new Error(reply.message);
      if (reply.type === 'end') {
        finished = true;
        return;
      }
      if (reply.type !== 'rows') continue;
      yield* reply.rows;
      send({ type: 'credit', id: task.id });
    }
  } finally {
    if (!finished) send({ type: 'cancel', id: task.id });
    task.end();
  }
}
