/**
 * An import worker thread: checks a file or streams its rows, so that no file, whatever its shape,
 * holds the main thread's event loop (where Slack requests are acknowledged). Started by
 * import-worker-pool.ts, which gives it one task at a time: a task has this heap to itself, so a
 * file that needs more memory than Roster allows stops only its own task.
 *
 * Rows go to the main thread in batches (ROWS_PER_BATCH rows, or fewer once they hold
 * `maxBatchChars` characters); at most `MAX_BATCHES_IN_FLIGHT` batches are unanswered at a time
 * (each consumed batch returns one credit), so memory stays bounded however large the file and
 * however slow its consumer. Every task ends with exactly one of `checked`, `end`, `cancelled` or
 * `error`: the pool frees the worker on it.
 */
import { parentPort } from 'node:worker_threads';
import { checkImportFile, type CheckedFile } from './check-file.js';
import { MAX_BATCHES_IN_FLIGHT, ROWS_PER_BATCH, rowChars, type WorkerReply, type WorkerRequest } from './import-worker-protocol.js';
import { ImportFileChangedError, streamRows } from './stream-rows.js';
import type { ImportRow } from './types.js';

interface RowTask {
  credits: number;
  cancelled: boolean;
  /** Resolves when a credit arrives or the task is cancelled. */
  wake?: () => void;
}

const port = parentPort;
if (!port) throw new Error('import-worker.ts runs in a worker thread (see import-worker-pool.ts)');
const send = (reply: WorkerReply) => port.postMessage(reply);
const tasks = new Map<number, RowTask>();

/** Streams the rows; resolves to how the task ended. */
async function sendRows(id: number, checked: CheckedFile, maxBatchChars: number): Promise<'end' | 'cancelled'> {
  const task: RowTask = { credits: MAX_BATCHES_IN_FLIGHT, cancelled: false };
  tasks.set(id, task);
  const rows = streamRows(checked);
  try {
    let batch: ImportRow[] = [];
    let chars = 0;
    for await (const row of rows) {
      batch.push(row);
      chars += rowChars(row);
      if (batch.length < ROWS_PER_BATCH && chars < maxBatchChars) continue;
      while (task.credits === 0 && !task.cancelled) await new Promise<void>((resolve) => (task.wake = resolve));
      if (task.cancelled) return 'cancelled';
      task.credits--;
      send({ type: 'rows', id, rows: batch });
      batch = [];
      chars = 0;
    }
    if (task.cancelled) return 'cancelled';
    if (batch.length > 0) send({ type: 'rows', id, rows: batch });
    return 'end';
  } finally {
    tasks.delete(id);
    await rows.return(undefined);
  }
}

function wake(id: number, change: (task: RowTask) => void): void {
  const task = tasks.get(id);
  if (!task) return;
  change(task);
  task.wake?.();
  task.wake = undefined;
}

port.on('message', (request: WorkerRequest) => {
  const { id } = request;
  const fail = (error: unknown) =>
    send({ type: 'error', id, changed: error instanceof ImportFileChangedError, message: error instanceof Error ? error.message : String(error) });
  switch (request.type) {
    case 'check':
      checkImportFile(request.path, request.limits, request.options).then((result) => send({ type: 'checked', id, result }), fail);
      break;
    case 'rows':
      sendRows(id, request.checked, request.maxBatchChars).then((ended) => send({ type: ended, id }), fail);
      break;
    case 'credit':
      wake(id, (task) => task.credits++);
      break;
    case 'cancel':
      wake(id, (task) => (task.cancelled = true));
      break;
  }
});
