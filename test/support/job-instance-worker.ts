/**
 * One Roster instance's job runner in its own process, for the tests of jobs across instances
 * (test/jobs/jobs-across-instances.test.ts): it opens the database given on its command line with
 * the lease given after it (ms) and runs `test.steps` jobs. Such a job does `steps` steps, each recording its number
 * as one of the job's outcomes in the step's transaction; on its first attempt it stops inside
 * step `stallAt` (its transaction open, the lease running out) and tells its parent, which kills it.
 */
import { appendJobOutcomes } from '../../src/store/jobs.js';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';

const [url, leaseMs] = process.argv.slice(2);
const runtime = await createRuntime({
  databaseUrl: url ?? '',
  logger: createLogger('error', () => undefined),
  jobRunner: { leaseMs: Number(leaseMs), heartbeatMs: 300, pollMs: 100 },
});
runtime.jobs.register({
  kind: 'test.steps',
  async run(job) {
    const { steps, stallAt } = job.record.payload as { steps: number; stallAt: number };
    for (let i = Number(job.progress.next ?? 0); i < steps; i++) {
      const done = await job.step(
        async (tx) => {
          await appendJobOutcomes(tx, job.record.id, [{ step: i, by: process.pid }]);
          if (job.record.attempts === 1 && i === stallAt) {
            process.send?.({ stalled: process.pid });
            await new Promise(() => undefined);
          }
        },
        () => ({ next: i + 1 }),
      );
      if (!done.ok) throw new Error(done.message);
    }
    return { done: { steps, by: process.pid } };
  },
});
runtime.jobs.start();
process.send?.('ready');
process.on('message', (message) => {
  if (message === 'exit') void runtime.shutdown().then(() => process.exit(0));
});
