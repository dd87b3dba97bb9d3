import { chmodSync, existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport, startImport, verifyImport } from '../../src/core/bulk/index.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { checkSeatLedger } from '../../src/core/licenses/check-seats.js';
import { verifyPassword } from '../../src/core/passwords/hash-password.js';
import { toDbDate } from '../../src/store/values.js';
import { countRows, createTestDatabase, OWNER, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';
import { rosterCli } from '../support/run-cli.js';

let db: TestDatabase;
let dir: string;
const HEADER =
  'User Name,First Name,Last Name,Display Name,Job Title,Department,Office Number,Office Phone,Mobile Phone,Fax,Alternate email address,Address,City,State or Province,ZIP or Postal Code,Country or Region';
const rows = (names: string[]) => [HEADER, ...names.map((n) => `${n}@contoso.onmicrosoft.com,${n},,${n},,,,,,,,,,,,`)].join('\r\n');

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
  await buyLicenses(db.ctx, OWNER, { product: 'business basic', quantity: 10 });
  dir = path.dirname(db.url.slice('file:'.length));
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db, { ROSTER_IMPORT_MAX_ROWS: '50' })(...args);

describe('npm run roster -- import, after a crash', () => {
  it('lists the interrupted import and resumes it: the users made before get new passwords in a private results file', async () => {
    const file = path.join(dir, 'crash.csv');
    writeFileSync(file, rows(['c1', 'c2', 'c3', 'c4']));
    // A CLI run that made its first batch and was killed (-9): still `running`, its owner silent.
    const verified = await verifyImport(db.ctx, OWNER, { path: file, fileName: 'crash.csv', fileId: 'cli:crash' });
    const jobId = verified.ok ? verified.preview.jobId! : '';
    const started = await startImport(
      db.ctx,
      OWNER,
      jobId,
      { signInAllowed: true, usageLocation: 'NL', licenses: [], whenSeatsRunOut: 'licensed_only', recipients: [] },
      { queue: 'cli:host:999:dead' },
    );
    if (!started.ok) throw new Error(started.message);
    let killed = false;
    await runImport(db.ctx, jobId, file, {
      batchSize: 2,
      onProgress: () => {
        if (!killed) {
          killed = true;
          throw new Error('kill -9');
        }
      },
    });
    await db.db
      .updateTable('ImportJob')
      .set({ status: 'running', failure: null, finishedAt: null, ownerId: 'host:999:dead', heartbeatAt: toDbDate(new Date(Date.now() - 5 * 60_000)) })
      .where('id', '=', jobId)
      .execute();
    // Its run, on that process's own queue, held under a lease nobody renews any more.
    await db.db
      .updateTable('Job')
      .set({ status: 'running', leaseOwner: 'host:999:dead', leaseExpiresAt: toDbDate(new Date(Date.now() - 60_000)), attempts: 1 })
      .where('id', '=', started.runId)
      .execute();
    expect(await countRows(db.db, 'DirectoryUser', (q) => q.where('importJobId', '=', jobId))).toBe(2);

    const list = await roster('import', '--list', '--workspace', TEAM);
    expect(list.stdout).toContain(jobId);
    expect(list.stdout).toMatch(/crash.csv\s+started by U0OWNER\s+2 rows done, 2 users made/);
    expect(list.stdout).toContain(`resume: roster import <path to crash.csv> --resume ${jobId} --workspace ${TEAM}`);
    const json = JSON.parse((await roster('import', '--list', '--output', 'json')).stdout);
    expect(json).toEqual([{ id: jobId, fileName: 'crash.csv', requestedBy: 'U0OWNER', rowsDone: 2, usersMade: 2 }]);

    const out = path.join(dir, 'crash-out.csv');
    // A Slack admin started it: the operator must say they take it over, and the starter is told.
    const refused = await roster('import', file, '--resume', jobId, '--workspace', TEAM, '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/This import was started by U0OWNER\..*Add --take-over to resume it anyway; they are told\./);
    expect(existsSync(out)).toBe(false);
    const resumed = await roster('import', file, '--resume', jobId, '--take-over', '--workspace', TEAM, '--out', out);
    expect(resumed.stdout).toMatch(/This import was started by U0OWNER; its results now come to you, and they are told by DM/);
    const notice = await db.db.selectFrom('Job').select(['queue', 'payload', 'status']).where('kind', '=', 'notice').executeTakeFirstOrThrow();
    expect(notice).toMatchObject({ queue: 'app', status: 'queued' });
    expect(JSON.parse(notice.payload)).toEqual({
      member: OWNER.slackUserId,
      text: expect.stringMatching(/^cli:\S+ resumed your import of crash.csv at the command line/),
    });
    expect(resumed.stdout).toMatch(/Done\. 4 created/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const results = readFileSync(out, 'utf8');
    expect(results.match(/made before the interruption; new temporary password/g)).toHaveLength(2);
    const c1 = /c1@contoso.onmicrosoft.com,c1,(\S{16}),/.exec(results)![1]!;
    const stored = await db.db.selectFrom('DirectoryUser').select('passwordHash').where('upnKey', '=', 'c1@contoso.onmicrosoft.com').executeTakeFirstOrThrow();
    expect(await verifyPassword(c1, stored.passwordHash)).toBe(true);
    expect(await countRows(db.db, 'AuditRecord', (q) => q.where('action', '=', 'user.password_reissued'))).toBe(2);
    expect(await checkSeatLedger(db.ctx)).toEqual([]);
  });

  it('honours ROSTER_IMPORT_MAX_ROWS', async () => {
    const file = path.join(dir, 'many.csv');
    writeFileSync(file, rows(Array.from({ length: 60 }, (_, i) => `m${i}`)));
    const refused = await roster('import', file, '--workspace', TEAM, '--dry-run');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/more than 50|at most 50|50 rows/);
  });
});

describe('the results file is private', () => {
  const importTo = (out: string, ...extra: string[]) => {
    const file = path.join(dir, `p-${path.basename(out)}.csv`);
    writeFileSync(file, rows([`p${Math.random().toString(36).slice(2, 8)}`]));
    return roster('import', file, '--workspace', TEAM, '--out', out, ...extra);
  };

  it('refuses an existing file unless --force, and then replaces it with a 0600 one', async () => {
    const out = path.join(dir, 'existing.csv');
    writeFileSync(out, 'old');
    chmodSync(out, 0o644);
    const refused = await importTo(out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists; choose another --out, or add --force/);
    expect(readFileSync(out, 'utf8')).toBe('old');
    const forced = await importTo(out, '--force');
    expect(forced.stdout).toMatch(/Done\./);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toMatch(/Temporary password/);
  });

  it('never writes through a symbolic link someone placed at the path', async () => {
    const target = path.join(dir, 'someone-elses.csv');
    writeFileSync(target, '');
    const link = path.join(dir, 'link.csv');
    symlinkSync(target, link);
    const refused = await importTo(link);
    expect(refused.code).toBe(1);
    const forced = await importTo(link, '--force');
    expect(forced.stdout).toMatch(/Done\./);
    expect(readFileSync(target, 'utf8')).toBe('');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(existsSync(link) && statSync(link).mode & 0o777).toBe(0o600);
  });
});
