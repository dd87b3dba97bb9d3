import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimEvent } from '../../src/core/events/claim-event.js';
import { enqueue } from '../../src/core/jobs/enqueue.js';
import { createLogger } from '../../src/log.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { inTransaction } from '../../src/store/database.js';
import { claimNextJob, findJob, jobOutcomes } from '../../src/store/jobs.js';
import type { DatabaseKind } from '../../src/store/dialect.js';
import { describeOnEachDatabase } from '../support/databases.js';
import { testPostgresUrl } from '../support/postgres-schemas.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/*
 * Issue 15 item 3: several instances behind one URL, on one database. A job runs on exactly one
 * instance (claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, decided by a conditional UPDATE on
 * both), and moves to another when its instance dies (its lease runs out); a Slack retry reaching
 * another instance is handled once; a recurring sweep runs on one instance at a time.
 */
const quiet = createLogger('error', () => undefined);
/** The job and lease of the instances in their own processes (test/support/job-instance-worker.ts). */
const STEPS_JOB = 'test.steps';
const LEASE_MS = 1500;

/** Another instance on the test's database: its own pool on PostgreSQL; on SQLite the one connection (in-process). */
async function anotherInstance(db: TestDatabase, kind: DatabaseKind, others: Runtime[]): Promise<Runtime> {
  const runtime = await createRuntime({
    databaseUrl: db.url,
    ...(kind === 'sqlite' ? { database: db.runtime.database } : { secretKey: randomBytes(32) }),
    logger: quiet,
    jobRunner: { pollMs: 20 },
  });
  others.push(runtime);
  return runtime;
}

describeOnEachDatabase('jobs and events across instances', (kind) => {
  let db: TestDatabase;
  const others: Runtime[] = [];
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind });
  });
  afterEach(async () => {
    for (const other of others.splice(0)) await other.shutdown();
    await db.destroy();
  });

  it('two instances claiming at once take each job exactly once', async () => {
    const [a, b] = [await anotherInstance(db, kind, others), await anotherInstance(db, kind, others)];
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) ids.add((await enqueue(db.ctx, { tenantId: null, kind: 'work', payload: {}, requestedBy: 'test' })).id);
    const claimAll = async (runtime: Runtime) => {
      const mine: string[] = [];
      for (;;) {
        const now = new Date();
        const job = await claimNextJob(runtime.core.db, { queues: ['app'], kinds: ['work'] }, runtime.core.instanceId, now, new Date(now.getTime() + 60_000));
        if (!job) return mine;
        mine.push(job.id);
      }
    };
    const [byA, byB] = await Promise.all([claimAll(a), claimAll(b)]);
    expect([...byA!, ...byB!].sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await findJob(db.db, id))?.attempts).toBe(1);
  });

  it('a Slack retry delivered to another instance at the same moment is handled once', async () => {
    const other = await anotherInstance(db, kind, others);
    const keys = Array.from({ length: 40 }, (_, i) => `file:T1:F${i}`);
    const [mine, theirs] = await Promise.all([
      Promise.all(keys.map((key) => claimEvent(db.ctx, key))),
      Promise.all(keys.map((key) => claimEvent(other.core, key))),
    ]);
    for (const [i] of keys.entries()) expect([mine[i], theirs[i]].filter(Boolean)).toHaveLength(1);
  });

  it('runs a recurring sweep on one instance at a time: another instance asked to run it meanwhile skips it', async () => {
    const [a, b] = [await anotherInstance(db, kind, others), await anotherInstance(db, kind, others)];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let runs = 0;
    for (const runtime of [a, b])
      runtime.jobs.runOneAtATime(['sweep.test']).register({
        kind: 'sweep.test',
        lane: 'light',
        async run() {
          runs++;
          started();
          await released;
          return { done: { swept: true } };
        },
      });
    const first = await enqueue(db.ctx, { tenantId: null, kind: 'sweep.test', key: 'sweep.test@1', payload: {}, requestedBy: 'roster:schedule' });
    const second = await enqueue(db.ctx, { tenantId: null, kind: 'sweep.test', key: 'sweep.test@start:b', payload: {}, requestedBy: 'roster:schedule' });
    const firstRun = a.jobs.runNow(first.id);
    await running;
    const skipped = await b.jobs.runNow(second.id);
    expect(skipped).toMatchObject({ status: 'succeeded', result: { skipped: 'another instance was running it' } });
    release();
    expect(await firstRun).toMatchObject({ status: 'succeeded', result: { swept: true } });
    expect(runs).toBe(1);
    // Once it ended, the next one runs.
    const third = await enqueue(db.ctx, { tenantId: null, kind: 'sweep.test', key: 'sweep.test@2', payload: {}, requestedBy: 'roster:schedule' });
    expect(await b.jobs.runNow(third.id)).toMatchObject({ status: 'succeeded', result: { swept: true } });
  });
});

describe.skipIf(!testPostgresUrl)('jobs across instances on PostgreSQL', () => {
  let db: TestDatabase;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    db = await createTestDatabase(undefined, { kind: 'postgres' });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db.destroy();
  });

  it('a claim passes over a job another transaction holds instead of waiting for it (FOR UPDATE SKIP LOCKED)', async () => {
    const held = await enqueue(db.ctx, { tenantId: null, kind: 'work', payload: {}, requestedBy: 'test', runAt: new Date(Date.now() - 1000) });
    const free = await enqueue(db.ctx, { tenantId: null, kind: 'work', payload: {}, requestedBy: 'test' });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    // Another instance is claiming the first job (its row locked, not committed yet).
    const holder = inTransaction(db.db, async (tx) => {
      await tx.selectFrom('Job').select('id').where('id', '=', held.id).forUpdate().execute();
      locked();
      await released;
    });
    await holding;
    let claimed: string | null | undefined;
    const now = new Date();
    const claim = claimNextJob(db.db, { queues: ['app'], kinds: ['work'] }, 'instance-b', now, new Date(now.getTime() + 60_000)).then(
      (job) => (claimed = job?.id ?? null),
    );
    let waited = false;
    try {
      while (claimed === undefined && !waited) {
        // A claim queued behind the held row would wait on its transaction (PostgreSQL's view of its locks).
        const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_locks t JOIN pg_locks w ON w.pid = t.pid
          WHERE t.locktype = 'tuple' AND t.relation = '"Job"'::regclass AND w.locktype = 'transactionid' AND NOT w.granted`.execute(db.db);
        waited = Number(rows[0]?.n ?? 0) > 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      release();
      await Promise.all([holder, claim]);
    }
    expect(waited).toBe(false);
    expect(claimed).toBe(free.id);
  });

  it('an instance killed in the middle of a job: another takes it over when the lease runs out and finishes it, each step once', async () => {
    const start = () => {
      const child = fork(path.resolve('test/support/job-instance-worker.ts'), [db.url, String(LEASE_MS)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      return child;
    };
    const instances = [start(), start()];
    await Promise.all(instances.map((child) => new Promise((resolve) => child.once('message', resolve))));
    const stalled = new Promise<number>((resolve) => {
      for (const child of instances)
        child.on('message', (message) => typeof message === 'object' && message && 'stalled' in message && resolve(Number(message.stalled)));
    });
    const STEPS = 12;
    const job = await enqueue(db.ctx, { tenantId: null, kind: STEPS_JOB, payload: { steps: STEPS, stallAt: 5 }, requestedBy: 'test' });
    // Whichever instance claimed it stops inside step 5, its transaction open: it is killed there.
    const pid = await stalled;
    const victim = instances.find((child) => child.pid === pid)!;
    const survivor = instances.find((child) => child.pid !== pid)!;
    const killedAt = Date.now();
    victim.kill('SIGKILL');
    for (;;) {
      const record = await findJob(db.db, job.id);
      if (record?.status === 'succeeded') {
        expect(record).toMatchObject({ attempts: 2, result: { steps: STEPS, by: survivor.pid } });
        break;
      }
      expect(record?.status).toMatch(/queued|running/);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Taken over once the lease ran out (it was renewed as step 5 began), not before.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(LEASE_MS / 2);
    const steps = (await jobOutcomes(db.db, job.id, -1, 100)).map((outcome) => outcome.data as { step: number; by: number });
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    expect(steps.slice(0, 5).every((s) => s.by === pid)).toBe(true);
    expect(steps.slice(5).every((s) => s.by === survivor.pid)).toBe(true);
  }, 30_000);
});
