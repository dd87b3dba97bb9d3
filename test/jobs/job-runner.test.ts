import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/core/jobs/enqueue.js';
import type { JobHandler } from '../../src/core/jobs/job-handler.js';
import { ownerIsGone } from '../../src/core/jobs/job-runner.js';
import { Scheduler } from '../../src/core/jobs/scheduler.js';
import { createLogger } from '../../src/log.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { claimNextJob, findJob, requestCancel } from '../../src/store/jobs.js';
import { countRows, createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { waitForJob } from './wait-for-job.js';

let db: TestDatabase;
let clock = new Date('2026-12-04T10:00:00Z');
const others: Runtime[] = [];
beforeEach(async () => {
  clock = new Date('2026-12-04T10:00:00Z');
  db = await createTestDatabase(() => clock);
});
afterEach(async () => {
  for (const other of others.splice(0)) await other.shutdown();
  await db.destroy();
});

const quiet = createLogger('error', () => undefined);
/** A second instance on the same database (its own runner and instance id; the connection is shared, as in-process tests must). */
async function anotherRuntime(): Promise<Runtime> {
  const runtime = await createRuntime({ databaseUrl: db.url, database: db.runtime.database, now: () => clock, logger: quiet, jobRunner: { pollMs: 20 } });
  others.push(runtime);
  return runtime;
}

/** A job of `steps` steps; each step writes one outcome row and saves how many are done. */
function countingHandler(kind: string, runs: string[], options: { failFirst?: boolean; onStep?: (n: number) => Promise<void> | void } = {}): JobHandler {
  return {
    kind,
    async run(job) {
      runs.push(job.record.id);
      if (options.failFirst && job.record.attempts === 1) throw new Error('the first attempt fails');
      const { steps } = job.record.payload as { steps: number };
      for (let n = Number(job.progress.done ?? 0); n < steps; n++) {
        const stop = job.stopRequested();
        if (stop) return { stopped: stop };
        await options.onStep?.(n);
        await job.step(
          (tx) => tx.insertInto('JobOutcome').values({ jobId: job.record.id, seq: n, data: '{}' }).execute(),
          () => ({ done: n + 1 }),
        );
      }
      return { done: { steps } };
    },
  };
}

describe('the job runner', () => {
  it('runs each job exactly once when two runners on one database race for them', async () => {
    const runs: string[] = [];
    const a = await anotherRuntime();
    const b = await anotherRuntime();
    for (const runtime of [a, b]) runtime.jobs.register(countingHandler('count', runs));
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await enqueue(db.ctx, { tenantId: null, kind: 'count', payload: { steps: 3 }, requestedBy: 'test' })).id);
    a.jobs.start();
    b.jobs.start();
    for (const id of ids) await waitForJob(db.db, id, 'succeeded');
    expect(runs.sort()).toEqual([...ids].sort());
    expect(await countRows(db.db, 'JobOutcome')).toBe(36);
  });

  it('takes over a job whose runner went silent once its lease runs out, and goes on from its progress', async () => {
    const runs: string[] = [];
    const { id } = await enqueue(db.ctx, { tenantId: null, kind: 'count', payload: { steps: 4 }, requestedBy: 'test' });
    // A runner that took the job and made two steps, then died (no heartbeat, no release).
    const dead = 'elsewhere:1:dead';
    const claimed = await claimNextJob(db.db, { queues: ['app'], kinds: ['count'] }, dead, clock, new Date(clock.getTime() + 60_000));
    expect(claimed?.id).toBe(id);
    await db.db
      .updateTable('Job')
      .set({ progress: JSON.stringify({ done: 2 }) })
      .where('id', '=', id)
      .execute();
    await db.db
      .insertInto('JobOutcome')
      .values([0, 1].map((seq) => ({ jobId: id, seq, data: '{}' })))
      .execute();
    const live = await anotherRuntime();
    live.jobs.register(countingHandler('count', runs));
    expect(await live.jobs.runNow(id)).toMatchObject({ status: 'running', leaseOwner: dead });
    clock = new Date(clock.getTime() + 61_000);
    expect(await live.jobs.runNow(id)).toMatchObject({ status: 'succeeded', attempts: 2, progress: { done: 4 } });
    expect(await countRows(db.db, 'JobOutcome', (q) => q.where('jobId', '=', id))).toBe(4);
  });

  it('rolls back the step of a runner that lost its lease, and lets go', async () => {
    const { id } = await enqueue(db.ctx, { tenantId: null, kind: 'count', payload: { steps: 3 }, requestedBy: 'test' });
    const runner = await anotherRuntime();
    runner.jobs.register(
      countingHandler('count', [], {
        // Before the second step, another runner takes the job over (this one stalled past its lease).
        onStep: async (n) => {
          if (n === 1) await db.db.updateTable('Job').set({ leaseOwner: 'elsewhere:2:other' }).where('id', '=', id).execute();
        },
      }),
    );
    const ended = await runner.jobs.runNow(id);
    expect(ended).toMatchObject({ status: 'running', leaseOwner: 'elsewhere:2:other', progress: { done: 1 } });
    expect(await countRows(db.db, 'JobOutcome', (q) => q.where('jobId', '=', id))).toBe(1);
  });

  it('retries a failed attempt after a backoff, then succeeds', async () => {
    const runs: string[] = [];
    db.runtime.jobs.register(countingHandler('flaky', runs, { failFirst: true }));
    const { id } = await enqueue(db.ctx, { tenantId: null, kind: 'flaky', payload: { steps: 1 }, requestedBy: 'test' });
    const first = await db.runtime.jobs.runNow(id);
    expect(first).toMatchObject({ status: 'queued', attempts: 1, error: 'the first attempt fails' });
    expect(first.runAt.getTime() - clock.getTime()).toBe(5000);
    expect(await db.runtime.jobs.runNow(id)).toMatchObject({ status: 'queued' });
    clock = new Date(clock.getTime() + 5000);
    expect(await db.runtime.jobs.runNow(id)).toMatchObject({ status: 'succeeded', attempts: 2, result: { steps: 1 } });
    expect(runs).toEqual([id, id]);
  });

  it('at shutdown lets the running step finish and hands the job back, uncounted, for another runner to finish', async () => {
    const { id } = await enqueue(db.ctx, { tenantId: null, kind: 'count', payload: { steps: 5 }, requestedBy: 'test' });
    const first = await anotherRuntime();
    let reachedStep: () => void;
    const atStep = new Promise<void>((resolve) => (reachedStep = resolve));
    let release: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    first.jobs.register(
      countingHandler('count', [], {
        onStep: async (n) => {
          if (n !== 2) return;
          reachedStep();
          await held;
        },
      }),
    );
    const running = first.jobs.runNow(id);
    await atStep;
    const draining = first.jobs.drain();
    release!();
    await draining;
    expect(await running).toMatchObject({ status: 'queued', attempts: 0, progress: { done: 3 }, leaseOwner: null });
    const second = await anotherRuntime();
    const runs: string[] = [];
    second.jobs.register(countingHandler('count', runs));
    expect(await second.jobs.runNow(id)).toMatchObject({ status: 'succeeded', progress: { done: 5 } });
    expect(await countRows(db.db, 'JobOutcome', (q) => q.where('jobId', '=', id))).toBe(5);
  });

  it('cancels a queued job at once, and a running one at its next step, telling its handler', async () => {
    const ended: string[] = [];
    const handler = countingHandler('count', []);
    db.runtime.jobs.register({ ...handler, ended: async (job, how) => void ended.push(`${job.id}:${'cancelled' in how ? 'cancelled' : how.failed}`) });
    const queued = await enqueue(db.ctx, { tenantId: null, kind: 'count', payload: { steps: 2 }, requestedBy: 'test' });
    expect(await requestCancel(db.db, queued.id, clock)).toBe('cancelled');
    expect(await findJob(db.db, queued.id)).toMatchObject({ status: 'cancelled' });
    const running = await enqueue(db.ctx, { tenantId: null, kind: 'slow', payload: { steps: 3 }, requestedBy: 'test' });
    db.runtime.jobs.register({
      kind: 'slow',
      async run(job) {
        await job.step(
          async () => undefined,
          () => ({ done: 1 }),
        );
        await requestCancel(db.db, job.record.id, clock);
        // The heartbeat reads the request; here the handler's next check sees it.
        await (db.runtime.jobs as unknown as { beat(): Promise<void> }).beat();
        const stop = job.stopRequested();
        return stop ? { stopped: stop } : { done: {} };
      },
    });
    expect(await db.runtime.jobs.runNow(running.id)).toMatchObject({ status: 'cancelled', progress: { done: 1 } });
  });

  it('makes one job per slot of a recurring job, whatever the number of instances', async () => {
    const a = await anotherRuntime();
    const b = await anotherRuntime();
    const every = [{ kind: 'tick', everyMs: 60_000 }];
    await Promise.all([new Scheduler(a.core, every, quiet).tick(), new Scheduler(b.core, every, quiet).tick(), new Scheduler(db.ctx, every, quiet).tick()]);
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', 'tick'))).toBe(1);
    clock = new Date(clock.getTime() + 60_000);
    await new Scheduler(b.core, every, quiet).tick();
    expect(await countRows(db.db, 'Job', (q) => q.where('kind', '=', 'tick'))).toBe(2);
  });

  it('leaves a job due months ahead to its poll: no timer longer than Node keeps (it would fire at once)', async () => {
    const warnings: string[] = [];
    const listen = (warning: Error) => warnings.push(warning.name);
    process.on('warning', listen);
    try {
      db.runtime.jobs.register(countingHandler('later', []));
      db.runtime.jobs.start();
      const { id } = await enqueue(db.ctx, {
        tenantId: null,
        kind: 'later',
        payload: { steps: 1 },
        requestedBy: 'test',
        runAt: new Date(clock.getTime() + 60 * 86_400_000),
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await db.runtime.jobs.idle();
      expect(warnings).not.toContain('TimeoutOverflowWarning');
      expect((await findJob(db.db, id))?.status).toBe('queued');
    } finally {
      process.off('warning', listen);
    }
  });

  it('knows a lease owner of this machine whose process is gone', async () => {
    const { hostname } = await import('node:os');
    expect(ownerIsGone(`${hostname()}:999999:abcd`, 'self')).toBe(true);
    expect(ownerIsGone(`${hostname()}:${process.ppid}:abcd`, 'self')).toBe(false);
    expect(ownerIsGone(`another-host:999999:abcd`, 'self')).toBe(false);
  });
});
