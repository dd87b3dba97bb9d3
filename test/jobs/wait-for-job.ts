import type { JobStatus } from '../../src/domain/jobs.js';
import type { Db } from '../../src/store/database.js';
import { findJob } from '../../src/store/jobs.js';

/** Resolves when the job reaches `status` (read from the database as it changes), or fails after `timeoutMs`. */
export async function waitForJob(db: Db, id: string, status: JobStatus, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await findJob(db, id);
    if (job?.status === status) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is ${job?.status ?? 'gone'}, not ${status}, after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
