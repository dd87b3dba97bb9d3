import { EventEmitter, once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker copies the WAL's committed pages into the database file. */
export const CHECKPOINT_INTERVAL_MS = 250;

/**
 * WAL pages after which a committing connection checkpoints itself anyway (SQLite's default is
 * 1,000): a backstop for when the worker falls behind or stops, so the WAL cannot grow without bound.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 50_000;

/**
 * WAL pages past which a long writer (an import) waits, between its transactions, for a checkpoint to
 * copy everything: SQLite only starts the WAL over when a transaction begins with every page copied,
 * which a writer that commits every few ms otherwise never gives it, and the WAL would grow to the
 * backstop (which then stalls a COMMIT for ~100 ms).
 */
export const CATCH_UP_AT_WAL_PAGES = 4_000;

/**
 * The worker's code, run with `eval` so it needs no loader (the compiled build, tsx and vitest alike):
 * its own connection to the file, a PASSIVE checkpoint every interval and on request (it waits for no
 * reader or writer and blocks none), and a message after each one that moved pages, was asked for, or
 * failed.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
function checkpoint(request) {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result.checkpointed > 0 || request) parentPort.postMessage({ request, pages: result.checkpointed, walPages: result.log, busy: result.busy === 1 });
  } catch (error) {
    parentPort.postMessage({ request, error: error && error.message ? error.message : String(error) });
  }
}
const timer = setInterval(() => checkpoint(0), workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message.checkpoint) return checkpoint(message.checkpoint);
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface CheckpointDone {
  /** Pages copied into the database file by this checkpoint (all of the WAL's so far, or fewer while readers hold older ones). */
  pages: number;
  walPages: number;
  busy: boolean;
}

/**
 * SQLite checkpoints a WAL database on the connection that commits, inside its COMMIT: with
 * `synchronous = NORMAL` that is the only fsync, and it stalled the event loop for tens of ms every
 * few import batches (bench busy). Here the main connection leaves checkpoints to a worker thread
 * with a connection of its own, so commits only append to the WAL. Emits `checkpoint`
 * (CheckpointDone) and `problem` (a message) events.
 */
export class BackgroundCheckpoints extends EventEmitter {
  /** WAL pages at the last checkpoint (all of them copied, unless busy). */
  private walPages = 0;
  private nextRequest = 1;
  private readonly waiting = new Map<number, () => void>();
  private stopping = false;
  /** catchUp calls waiting for the worker (it is ref'd meanwhile). */
  private waitingFor = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly catchUpAtPages: number,
  ) {
    super();
    worker.on('message', (message: (CheckpointDone | { error: string }) & { request: number }) => {
      if ('error' in message) this.emit('problem', message.error);
      else {
        this.walPages = message.walPages;
        this.emit('checkpoint', message);
      }
      this.waiting.get(message.request)?.();
      this.waiting.delete(message.request);
    });
    const fail = (error: Error) => {
      if (!this.stopping) this.emit('problem', error.message);
      for (const resolve of this.waiting.values()) resolve();
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the checkpoint worker stopped')));
    worker.unref();
  }

  static start(file: string, options: { intervalMs?: number; catchUpAtPages?: number } = {}): BackgroundCheckpoints {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = { file, driver, intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS };
    return new BackgroundCheckpoints(new Worker(WORKER_SOURCE, { eval: true, workerData }), options.catchUpAtPages ?? CATCH_UP_AT_WAL_PAGES);
  }

  /**
   * When the WAL has grown past CATCH_UP_AT_WAL_PAGES, resolves after the worker has copied every
   * committed page (the event loop is free meanwhile), so the caller's next transaction starts the
   * WAL over; otherwise at once. Never rejects: a failed checkpoint is a `problem` event.
   */
  async catchUp(): Promise<void> {
    if (this.walPages < this.catchUpAtPages) return;
    const request = this.nextRequest++;
    const done = new Promise<void>((resolve) => this.waiting.set(request, resolve));
    // Waited for, the unref'd worker must keep the process alive: else a CLI import whose reader
    // had sent its last rows ended here, exit code 0, its users made and their passwords nowhere.
    this.waitingFor++;
    this.worker.ref();
    this.worker.postMessage({ checkpoint: request });
    try {
      await done;
    } finally {
      if (--this.waitingFor === 0 && !this.stopping) this.worker.unref();
    }
  }

  /** Stops the worker and closes its connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    const exited = once(this.worker, 'exit');
    // Unref'd, the worker would not keep the process alive while we wait for it (a CLI run would end
    // there, with exit code 0, before its own code ran on).
    this.worker.ref();
    this.worker.postMessage('stop');
    await exited;
  }
}
