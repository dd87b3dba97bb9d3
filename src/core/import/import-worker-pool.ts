/**
 * A bounded pool of import worker threads. Each worker runs one task at a time (a file's check, or
 * its row stream) with its own heap limit, so a file that needs more memory than Roster allows
 * stops its own task and no other: the worker is dropped, only the task it ran is told, and the
 * next task gets a fresh worker. Tasks beyond the pool's size wait in a first-come queue.
 *
 * Whole-process bound: `workers` × (`heapMb` + young generation) for the readers, whatever is
 * shared. An idle worker is kept (unref'd, so the process can exit) for `idleMs`, since starting
 * one costs ~0.15 s from the build and ~0.4 s from the TypeScript sources, then stopped.
 */
import { Worker } from 'node:worker_threads';
import { endsTask, type FollowUp, type TaskRequest, type WorkerReply } from './import-worker-protocol.js';

export interface PoolSettings {
  /** Most worker threads at once (each running one task). */
  workers: number;
  /** Each worker's old-generation heap limit, in MB. */
  heapMb: number;
  /** An idle worker is stopped after this long. */
  idleMs: number;
}

/** A task's worker stopped under it (it ran out of memory, or crashed). */
export interface WorkerStop {
  outOfMemory: boolean;
  error: Error;
  /** The heap limit the task ran with. */
  heapMb: number;
}

export interface TaskCallbacks {
  onReply(reply: WorkerReply): void;
  onStop(stop: WorkerStop): void;
  /** The task is queued: every worker is busy. */
  onWaiting?(): void;
}

export interface TaskHandle {
  /** Sends a follow-up (credit, cancel) to the running task; a no-op once it is over. */
  send(followUp: FollowUp): void;
  /** Stops the task: a queued one leaves the queue, a running one is asked to cancel. */
  cancel(): void;
}

interface Task {
  id: number;
  request: TaskRequest;
  callbacks: TaskCallbacks;
  slot?: Slot;
  over: boolean;
}

interface Slot {
  worker: Worker;
  heapMb: number;
  task?: Task;
  idleTimer?: NodeJS.Timeout;
}

/** Young generation per worker, MB: small semispaces keep a worker's share of an import's peak low. */
const YOUNG_GENERATION_MB = 8;

export class ImportWorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private nextId = 1;

  constructor(
    private readonly url: URL,
    private settings: PoolSettings,
  ) {}

  /** New settings apply to workers started from now on; idle workers are stopped so that they do. */
  configure(changes: Partial<PoolSettings>): void {
    this.settings = { ...this.settings, ...changes };
    for (const slot of this.slots) if (!slot.task) this.retire(slot);
    this.startQueued();
  }

  /** Workers alive, busy ones, and tasks waiting (for tests and logs). */
  counts(): { workers: number; busy: number; queued: number } {
    const busy = [...this.slots].filter((slot) => slot.task).length;
    return { workers: this.slots.size, busy, queued: this.queue.length };
  }

  run(request: TaskRequest, callbacks: TaskCallbacks): TaskHandle {
    const task: Task = { id: this.nextId++, request, callbacks, over: false };
    const slot = this.freeSlot();
    if (slot) this.assign(slot, task);
    else {
      this.queue.push(task);
      callbacks.onWaiting?.();
    }
    return {
      send: (followUp) => {
        if (!task.over) task.slot?.worker.postMessage({ ...followUp, id: task.id });
      },
      cancel: () => {
        if (task.over) return;
        if (task.slot) task.slot.worker.postMessage({ type: 'cancel', id: task.id });
        else {
          // Never started: nothing to stop in a worker.
          task.over = true;
          this.queue.splice(this.queue.indexOf(task), 1);
        }
      },
    };
  }

  private freeSlot(): Slot | undefined {
    for (const slot of this.slots) if (!slot.task) return slot;
    return this.slots.size < this.settings.workers ? this.startWorker() : undefined;
  }

  private assign(slot: Slot, task: Task): void {
    clearTimeout(slot.idleTimer);
    slot.task = task;
    task.slot = slot;
    // A busy worker keeps the process alive until its task is over.
    slot.worker.ref();
    slot.worker.postMessage({ ...task.request, id: task.id });
  }

  private startQueued(): void {
    while (this.queue.length > 0) {
      const slot = this.freeSlot();
      if (!slot) return;
      this.assign(slot, this.queue.shift()!);
    }
  }

  private startWorker(): Slot {
    const { heapMb } = this.settings;
    // execArgv: [] because the parent's flags (--input-type, --cpu-prof, tsx's --import) are not the worker's business.
    const worker = new Worker(this.url, { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    const slot: Slot = { worker, heapMb };
    this.slots.add(slot);
    worker.on('message', (reply: WorkerReply) => this.received(slot, reply));
    // 'error' comes first when the worker fails (out of memory, an uncaught exception), then 'exit'.
    worker.on('error', (error) => this.stopped(slot, error));
    worker.on('exit', (code) => this.stopped(slot, new Error(`the worker exited with code ${code}`)));
    return slot;
  }

  private received(slot: Slot, reply: WorkerReply): void {
    const task = slot.task;
    if (!task || reply.id !== task.id) return;
    task.callbacks.onReply(reply);
    if (!endsTask(reply)) return;
    task.over = true;
    slot.task = undefined;
    const next = this.queue.shift();
    if (next) this.assign(slot, next);
    else this.idle(slot);
  }

  private idle(slot: Slot): void {
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => this.retire(slot), this.settings.idleMs);
    slot.idleTimer.unref();
  }

  /** Stops an idle worker; its exit is then no one's concern. */
  private retire(slot: Slot): void {
    this.slots.delete(slot);
    clearTimeout(slot.idleTimer);
    void slot.worker.terminate();
  }

  /** The worker is gone: only the task it ran is told; queued tasks get a fresh worker. */
  private stopped(slot: Slot, error: Error): void {
    if (!this.slots.delete(slot)) return;
    clearTimeout(slot.idleTimer);
    void slot.worker.terminate();
    const task = slot.task;
    slot.task = undefined;
    if (task && !task.over) {
      task.over = true;
      const outOfMemory = (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      task.callbacks.onStop({ outOfMemory, error, heapMb: slot.heapMb });
    }
    this.startQueued();
  }
}
