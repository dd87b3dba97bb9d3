/** Worker-thread side of runLoadInWorker (started through load-worker-entry.mjs). */
import { parentPort, workerData } from 'node:worker_threads';
import { type LoadSpec, runLoad } from './load.js';

if (!parentPort) throw new Error('bench/load-worker.ts runs in a worker thread (see runLoadInWorker)');
parentPort.postMessage(await runLoad(workerData as LoadSpec));
