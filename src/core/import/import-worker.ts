/**
 * The import worker thread: checks files and streams their rows, so that no file, whatever its
 * shape, holds the main thread's event loop (where Slack requests are acknowledged). Started by
 * import-worker-client.ts; runs several tasks at once, interleaved at each chunk read.
 *
 * Rows go to the main thread in batches; at most `MAX_BATCHES_IN_FLIGHT` batches are unanswered
 * at a time (each consumed batch returns one credit), so memory stays bounded however large the
 * file and however slow its consumer.
 */
import { parentPort } from 'node:worker_threads';
import { checkImportFile, type CheckedFile } from './check-file.js';
import { MAX_BATCHES_IN_FLIGHT, ROWS_PER_BATCH, type WorkerReply, type WorkerRequest } from './import-worker-protocol.js';
import { ImportFileChangedError, streamRows } from './stream-rows.js';
import type { ImportRow } from './types.js';

interface RowTask {
  credits: number;
  cancelled: boolean;
  /** Resolves when a credit arrives or the task is cancelled. */
  wake?: () => void;
}

const port = parentPort;
if (!port) throw new Error('import-worker.ts runs in a worker thread (see import-worker-client.ts)');
const send = (reply: WorkerReply) => port.postMessage(reply);
const tasks = new Map<number, RowTask>();

async function sendRows(id: number, checked: CheckedFile): Promise<void> {
  const task: RowTask = { credits: MAX_BATCHES_IN_FLIGHT, cancelled: false };
  tasks.set(id, task);
  const rows = streamRows(checked);
  try {
    let batch: ImportRow[] = [];
    for await (const row of rows) {
      batch.push(row);
      if (batch.length < ROWS_PER_BATCH) continue;
      while (task.credits === 0 && !task.cancelled) await new Promise<void>((resolve) => (task.wake = resolve));
      if (task.cancelled) return;
      task.credits--;
      send({ type: 'rows', id, rows: batch });
      batch = [];
    }
    if (task.cancelled) return;
    if (batch.length > 0) send({ type: 'rows', id, rows: batch });
    send({ type: 'end', id });
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
      sendRows(id, request.checked).catch(fail);
      break;
    case 'credit':
      wake(id, (task) => task.credits++);
      break;
    case 'cancel':
      wake(id, (task) => (task.cancelled = true));
      break;
  }
});
