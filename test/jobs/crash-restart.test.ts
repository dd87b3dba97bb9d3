import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startImport, verifyImport } from '../../src/core/bulk/index.js';
import { productByPartNumber } from '../../src/core/catalogue/catalogue.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { queueEditMany } from '../../src/core/users/edit-many-job.js';
import { queueExport } from '../../src/core/views/export-job.js';
import { createLogger } from '../../src/log.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { insertDirectoryUsersSkippingTaken } from '../../src/store/directory-users.js';
import { findJob } from '../../src/store/jobs.js';
import { tenantByTeam } from '../../src/store/organizations.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack-api.js';
import { writeSampleImportFile } from '../support/sample-import-file.js';
import { copyTemplateDatabase, countRows, seedTenant } from '../support/test-db.js';

/*
 * The bar of "durable jobs": the app (the build `npm start` runs, in its own process) is killed
 * with SIGKILL in the middle of an Edit many of 10,000 users, of a CSV import and of an export;
 * started again, it finishes each job exactly once, with its DM sent once, and `roster check`
 * finds nothing wrong.
 */
const BASIC = productByPartNumber('O365_BUSINESS_ESSENTIALS')!;
const USERS = 10_000;
const IMPORT_ROWS = 6_000;
const OWNER = 'U0OWNER';
const SIGNING_SECRET = 'abcdef0123456789abcdef0123456789';
const run = promisify(execFile);

let fake: FakeSlack;
let dir: string;
let url: string;
let test: Runtime;
let app: ChildProcess | null = null;
const owner = () => ({ teamId: fake.teamId, slackUserId: OWNER });

/** Roster as `npm start` runs it, on the test's database and fake Slack; resolves once it is ready. */
async function startApp(): Promise<ChildProcess> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SLACK_') && !key.startsWith('ROSTER_')));
  const child = spawn(process.execPath, [path.resolve('dist/src/main.js')], {
    cwd: dir,
    env: {
      ...clean,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      DATABASE_URL: url,
      LOG_LEVEL: 'info',
    },
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Roster did not start:\n${output}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"Roster is ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`Roster exited (${code}):\n${output}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Resolves when `reached` holds, read from the database as it changes. */
async function until<T>(what: string, read: () => Promise<T>, reached: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (reached(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const uploads = (name: RegExp) => fake.uploadedFiles().filter((file) => name.test(file.name));

beforeAll(async () => {
  fake = await startFakeSlack();
  fake.seedUser({ id: OWNER, realName: 'Olivia Owner', isOwner: true });
  dir = mkdtempSync(path.join(tmpdir(), 'roster-crash-'));
  copyTemplateDatabase(path.join(dir, 'roster.db'));
  url = `file:${path.join(dir, 'roster.db')}`;
  test = await createRuntime({ databaseUrl: url, logger: createLogger('error', () => undefined), busyTimeoutMs: 30_000 });
  await seedTenant(test.core, owner());
  await buyLicenses(test.core, owner(), { product: BASIC.partNumber, quantity: USERS + IMPORT_ROWS });
  const tenant = (await tenantByTeam(test.database.db, fake.teamId))!;
  const upn = (i: number) => `edit${i}@contoso.onmicrosoft.com`;
  await insertDirectoryUsersSkippingTaken(
    test.database.db,
    Array.from({ length: USERS }, (_, i) => ({
      tenantId: tenant.id,
      userPrincipalName: upn(i),
      alias: `edit${i}`,
      domain: 'contoso.onmicrosoft.com',
      displayName: `Edit ${i}`,
      profile: {},
      alternateEmail: null,
      usageLocation: 'NL',
      accountEnabled: true,
      slackUserId: null,
      passwordHash: 'hmac-sha256$test$test',
      forceChangePassword: true,
    })),
    new Date(),
  );
}, 120_000);

afterAll(async () => {
  if (app) await kill(app);
  await test?.shutdown();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('jobs survive a SIGKILL', () => {
  it('an Edit many of 10,000 users, an import and an export each finish exactly once after a restart, with their DM, and roster check is clean', async () => {
    // Edit many of every user, queued for the app; killed once some batches (not all) are written.
    const usernames = Array.from({ length: USERS }, (_, i) => `edit${i}@contoso.onmicrosoft.com`);
    const edit = await queueEditMany(
      test.core,
      owner(),
      { usernames, licenses: { mode: 'add', products: [{ skuId: BASIC.skuId, disabledPlans: [] }] } },
      { queue: 'app' },
    );
    if (!edit.ok) throw new Error(edit.message);
    app = await startApp();
    const cut = await until(
      'Edit many to be part-way',
      () => findJob(test.database.db, edit.jobId),
      (job) => Number(job?.progress.done ?? 0) > 0,
    );
    await kill(app);
    const doneAtKill = Number((await findJob(test.database.db, edit.jobId))?.progress.done ?? 0);
    expect(doneAtKill, `killed at ${JSON.stringify(cut?.progress)}`).toBeLessThan(USERS);

    // The restarted app finishes the edit (its DM and results file sent once). Then a CSV import (the
    // file in Slack), started and killed part-way. (Killed while the edit sends its DM, the edit would
    // send it again: the DM is sent, then recorded; see src/slack/jobs/edit-many-job.ts.)
    app = await startApp();
    await until(
      'the edit to finish after the restart',
      () => findJob(test.database.db, edit.jobId),
      (job) => job?.status === 'succeeded',
      90_000,
    );
    const local = path.join(dir, 'hires.csv');
    await writeSampleImportFile(local, IMPORT_ROWS, { domain: 'contoso.onmicrosoft.com' });
    const file = fake.addFile({ name: 'hires.csv', user: OWNER, bytes: readFileSync(local) });
    const verified = await verifyImport(test.core, owner(), { path: local, fileName: 'hires.csv', fileId: file.id });
    if (!verified.ok) throw new Error(verified.message);
    const importId = verified.preview.jobId!;
    const settings = { signInAllowed: true, usageLocation: 'NL', licenses: [], whenSeatsRunOut: 'licensed_only' as const, recipients: [] };
    const started = await startImport(test.core, owner(), importId, settings, { queue: 'app' });
    if (!started.ok) throw new Error(started.message);
    await until(
      'the import to be part-way',
      () => test.database.db.selectFrom('ImportJob').select('rowsDone').where('id', '=', importId).executeTakeFirstOrThrow(),
      (row) => row.rowsDone > 0,
    );
    await kill(app);
    const importedAtKill = (await test.database.db.selectFrom('ImportJob').select('rowsDone').where('id', '=', importId).executeTakeFirstOrThrow()).rowsDone;
    expect(importedAtKill).toBeLessThan(IMPORT_ROWS);

    // An export whose upload Slack rate-limits for a minute: killed while it waits.
    app = await startApp();
    fake.failNext('files.getUploadURLExternal', 'ratelimited', { retryAfter: 60 });
    const exported = await queueExport(test.core, owner(), 'All users');
    if (!exported.ok) throw new Error(exported.message);
    await fake.waitFor((c) => c.method === 'files.getUploadURLExternal' && c.response.ok === false, { timeoutMs: 60_000 });
    await kill(app);

    // The last start finishes all three.
    app = await startApp();
    for (const jobId of [edit.jobId, started.runId, exported.jobId])
      await until(
        `job ${jobId} to succeed`,
        () => findJob(test.database.db, jobId),
        (job) => job?.status === 'succeeded',
        90_000,
      );

    // Each user edited once, each row imported once, each report sent once.
    expect(await countRows(test.database.db, 'AuditRecord', (q) => q.where('action', '=', 'users.bulk_update'))).toBe(USERS);
    expect(await countRows(test.database.db, 'LicenseAssignment')).toBe(USERS);
    expect(uploads(/^edit-users-results\.csv$/)).toHaveLength(1);
    expect(fake.dmsTo(OWNER).filter((m) => /Edit users finished/.test(JSON.stringify(m)))).toHaveLength(1);
    expect(await countRows(test.database.db, 'DirectoryUser', (q) => q.where('importJobId', '=', importId))).toBe(IMPORT_ROWS);
    expect(await test.database.db.selectFrom('ImportJob').select('status').where('id', '=', importId).executeTakeFirstOrThrow()).toEqual({
      status: 'completed',
    });
    const results = uploads(/^hires-results\.csv$/);
    expect(results).toHaveLength(1);
    expect(results[0]!.bytes.toString('utf8').match(/made before the interruption; new temporary password/g)?.length).toBeGreaterThanOrEqual(importedAtKill);
    expect(uploads(/^all-users-.*\.csv$/)).toHaveLength(1);

    const check = await run(process.execPath, [path.resolve('dist/src/cli/main.js'), 'check'], { env: { ...process.env, DATABASE_URL: url } });
    expect(check.stdout).toMatch(/Seats: every product's assigned count matches/);
    expect(check.stdout).toMatch(/Search: every active user is indexed/);
    expect(check.stdout).toMatch(/Global admins: every organization has one who can sign in/);
  }, 240_000);
});
