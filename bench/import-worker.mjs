// One import measurement in its own process, so that its peak memory is its own (the file is
// generated beforehand by the parent). Plain JavaScript over the compiled build (dist/, made by
// `npm ci`), so it runs as `npm start` runs Roster, without the TypeScript loader:
// `node bench/import-worker.mjs <file.csv> <rows>` prints one JSON line of figures.
//
// Wired as the CLI import is (src/cli/import-command.ts): one runtime (createRuntime, background
// checkpoints), the import started on this process's job queue and run by its job runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createRuntime } from '../dist/src/runtime/create-runtime.js';
import { createLogger } from '../dist/src/log.js';
import { setupTenant } from '../dist/src/core/tenant/setup-tenant.js';
import { buyLicenses } from '../dist/src/core/licenses/buy-licenses.js';
import { productByPartNumber } from '../dist/src/core/catalogue/catalogue.js';
import { verifyImport, startImport, runImport, IMPORT_JOB } from '../dist/src/core/bulk/index.js';
import { takeImport } from '../dist/src/core/bulk/import-job.js';
import { completeImport } from '../dist/src/core/bulk/import-run-end.js';
import { findImportJob } from '../dist/src/core/bulk/import-job-records.js';
import { applyMigrations } from '../dist/src/db/migrate.js';

const file = process.argv[2];
const rows = Number(process.argv[3]);
const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-import-'));
const actor = { teamId: 'TBENCH', slackUserId: 'UBENCH' };
const basic = productByPartNumber('O365_BUSINESS_ESSENTIALS');
const limits = { maxRows: rows, maxBytes: 1024 * 1024 * 1024 };

try {
  const dbFile = path.join(dir, 'roster.db');
  // As the CLI import opens it: checkpoints in a worker thread, writers settle between transactions.
  const runtime = await createRuntime({
    databaseUrl: `file:${dbFile}`,
    backgroundCheckpoints: true,
    logger: createLogger('warn'),
    jobQueues: (instanceId) => [`cli:${instanceId}`],
  });
  const ctx = runtime.core;
  const setup = await setupTenant(ctx, actor, {
    organizationName: 'Bench',
    initialDomain: 'bench',
    requester: { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, displayName: 'Bench Admin' },
  });
  if (!setup.ok) throw new Error(setup.message);
  const bought = await buyLicenses(ctx, actor, { product: basic.partNumber, quantity: rows });
  if (!bought.ok) throw new Error(bought.message);

  const rssBefore = process.memoryUsage().rss;
  let t = performance.now();
  const verified = await verifyImport(ctx, actor, { path: file, fileName: 'users.csv', fileId: 'FBENCH', limits });
  const verifyMs = performance.now() - t;
  if (!verified.ok) throw new Error(verified.message);
  const jobId = verified.preview.jobId;

  // Creation, as `roster import` runs it: started on this process's queue, run by its job runner.
  t = performance.now();
  const started = await startImport(
    ctx,
    actor,
    jobId,
    { signInAllowed: true, usageLocation: 'NL', licenses: [{ skuId: basic.skuId, disabledPlans: [] }], whenSeatsRunOut: 'licensed_only', recipients: [] },
    { queue: `cli:${ctx.instanceId}` },
  );
  if (!started.ok) throw new Error(started.message);
  let outcome;
  runtime.jobs.register({
    kind: IMPORT_JOB,
    async run(job) {
      if (!(await takeImport(ctx, jobId))) return { done: { ran: false } };
      outcome = await runImport(ctx, jobId, file, { limits, deferCompletion: true, stopRequested: () => job.stopRequested() !== null });
      if (outcome.status === 'completed') await completeImport(ctx, await findImportJob(ctx, jobId), outcome);
      return { done: { status: outcome.status } };
    },
  });
  await runtime.jobs.runNow(started.runId);
  const createMs = performance.now() - t;
  if (outcome?.status !== 'completed' || outcome.created !== rows)
    throw new Error(`import ${outcome?.status}: ${outcome?.created} of ${rows} created ${outcome?.failure ?? ''}`);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  await runtime.shutdown();

  // The physical limit: the very rows the import made, with every column, inserted through one
  // prepared statement in one transaction into the same table with the same indexes (a fresh
  // database with every migration); users only (no search terms, licenses or audit records).
  const made = new Database(dbFile, { readonly: true });
  const tenant = made.prepare('SELECT * FROM Tenant').get();
  const users = made.prepare('SELECT * FROM DirectoryUser').all();
  made.close();
  // Three times, each into a fresh database; the fastest is the limit (the machine is shared).
  let rawMs = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const raw = new Database(path.join(dir, `raw-${run}.db`));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    applyMigrations(raw);
    const tenantColumns = Object.keys(tenant);
    raw.prepare(`INSERT INTO Tenant (${tenantColumns.join(', ')}) VALUES (${tenantColumns.map(() => '?').join(', ')})`).run(Object.values(tenant));
    const columns = Object.keys(users[0]);
    const insert = raw.prepare(`INSERT INTO DirectoryUser (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    const values = users.map((user) => Object.values(user));
    t = performance.now();
    raw.transaction(() => {
      for (const row of values) insert.run(row);
    })();
    rawMs = Math.min(rawMs, performance.now() - t);
    raw.close();
  }

  process.stdout.write(
    `${JSON.stringify({ rows, verifyMs, createMs, rowsPerSecond: rows / (createMs / 1000), peakRssMb, rssBeforeMb: rssBefore / 1024 / 1024, rawInsertMs: rawMs, rawRows: users.length })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
