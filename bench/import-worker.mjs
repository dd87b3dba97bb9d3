// One import measurement in its own process, so that its peak memory is its own (the file is
// generated beforehand by the parent). Plain JavaScript over the compiled build (dist/, made by
// `npm ci`), so it runs as `npm start` runs Roster, without the TypeScript loader:
// `node bench/import-worker.mjs <file.csv> <rows>` prints one JSON line of figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../dist/src/db/open-database.js';
import { setupTenant } from '../dist/src/core/tenant/setup-tenant.js';
import { buyLicenses } from '../dist/src/core/licenses/buy-licenses.js';
import { productByPartNumber } from '../dist/src/core/catalogue/catalogue.js';
import { verifyImport, startImport, runImport, newInstanceId } from '../dist/src/core/bulk/index.js';
import { applyMigrations } from '../dist/src/db/migrate.js';

const file = process.argv[2];
const rows = Number(process.argv[3]);
const dir = mkdtempSync(path.join(tmpdir(), 'roster-bench-import-'));
const actor = { teamId: 'TBENCH', slackUserId: 'UBENCH' };
const basic = productByPartNumber('O365_BUSINESS_ESSENTIALS');

try {
  // As the app and the CLI import open it: checkpoints in a worker thread, writers settle between transactions.
  const db = await openDatabase(`file:${path.join(dir, 'roster.db')}`, { backgroundCheckpoints: true });
  const ctx = { db: db.db, now: () => new Date(), instanceId: newInstanceId(), settleWrites: () => db.settleWrites() };
  const setup = await setupTenant(ctx, actor, {
    organizationName: 'Bench',
    initialDomain: 'bench',
    requester: { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, displayName: 'Bench Admin' },
  });
  if (!setup.ok) throw new Error(setup.message);
  await buyLicenses(ctx, actor, { product: basic.partNumber, quantity: rows });

  const rssBefore = process.memoryUsage().rss;
  let t = performance.now();
  const verified = await verifyImport(ctx, actor, {
    path: file,
    fileName: 'users.csv',
    fileId: 'FBENCH',
    limits: { maxRows: rows, maxBytes: 1024 * 1024 * 1024 },
  });
  const verifyMs = performance.now() - t;
  if (!verified.ok) throw new Error(verified.message);
  const started = await startImport(ctx, actor, verified.preview.jobId, {
    signInAllowed: true,
    usageLocation: 'NL',
    license: { skuId: basic.skuId, disabledPlans: [] },
    whenSeatsRunOut: 'licensed_only',
    recipients: [],
  });
  if (!started.ok) throw new Error(started.message);
  t = performance.now();
  const outcome = await runImport(ctx, verified.preview.jobId, file, { limits: { maxRows: rows, maxBytes: 1024 * 1024 * 1024 } });
  const createMs = performance.now() - t;
  if (outcome.status !== 'completed' || outcome.created !== rows)
    throw new Error(`import ${outcome.status}: ${outcome.created} of ${rows} created ${outcome.failure ?? ''}`);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  await db.close();

  // The physical limit: the same rows through one prepared statement straight into SQLite.
  const raw = new Database(path.join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  applyMigrations(raw);
  raw
    .prepare(
      "INSERT INTO Tenant (id, slackTeamId, name, initialDomain, createdAt) VALUES ('t', 'T', 'Bench', 'bench.onmicrosoft.com', '2026-01-01T00:00:00.000+00:00')",
    )
    .run();
  const insert = raw.prepare(
    `INSERT INTO DirectoryUser (id, tenantId, userPrincipalName, upnKey, aliasKey, domain, firstName, lastName, displayName, passwordHash, passwordSetAt, createdAt, updatedAt)
     VALUES (?, 't', ?, ?, ?, 'bench.onmicrosoft.com', ?, ?, ?, 'x', ?, ?, ?)`,
  );
  const now = new Date().toISOString();
  t = performance.now();
  raw.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const upn = `user${i}@bench.onmicrosoft.com`;
      insert.run(String(i), upn, upn, `user${i}`, 'First', 'Last', `User ${i}`, now, now, now);
    }
  })();
  const rawMs = performance.now() - t;
  raw.close();

  process.stdout.write(
    `${JSON.stringify({ rows, verifyMs, createMs, rowsPerSecond: rows / (createMs / 1000), peakRssMb, rssBeforeMb: rssBefore / 1024 / 1024, rawInsertMs: rawMs })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
