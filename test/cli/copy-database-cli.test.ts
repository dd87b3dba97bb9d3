/** `roster copy-database --to postgres://…`: a SQLite database moved to PostgreSQL, checked (issue 15 item 6). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { holdCredential } from '../../src/core/credentials/hold-credential.js';
import { credentialAad, open } from '../../src/core/credentials/seal.js';
import { buyLicenses } from '../../src/core/licenses/buy-licenses.js';
import { pendingCredentialById } from '../../src/store/pending-credentials.js';
import { takePostgresSchema, testPostgresUrl } from '../support/postgres-schemas.js';
import { rosterCli } from '../support/run-cli.js';
import { insertDirectoryUsersSkippingTaken } from '../../src/store/directory-users.js';
import { NO_CLOUD_PASSWORD } from '../../src/core/passwords/hash-password.js';
import { createTestDatabase, OWNER, seedTenant, type TestDatabase } from '../support/test-db.js';

let source: TestDatabase;
let key: string;
let credentialId: string;

async function roster(env: Record<string, string>, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { DATABASE_URL: source.url, ...env },
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  // A source with something in every kind of table: users added, licensed and deleted, an import,
  // a custom view, a domain, an import channel, a sealed pending password, audit and the change feed.
  source = await createTestDatabase();
  await seedTenant(source.ctx);
  await buyLicenses(source.ctx, OWNER, { product: 'business basic', quantity: 5 });
  const cli = rosterCli(source);
  const dir = path.dirname(source.url.slice('file:'.length));
  const hires = path.join(dir, 'hires.csv');
  writeFileSync(
    hires,
    [
      'Gebruikersnaam;Voornaam;Achternaam;Weergavenaam;Functie;Afdeling;Toestelnummer;Zakelijk nummer;Mobiel nummer;Faxnummer;Alternatief e-mailadres;Adres;Plaats;Provincie;Postcode;Land of regio',
      'jan@contoso.onmicrosoft.com;Jan;Jansen;Jan Jansen;;Sales;;;;;;;;;;',
      'piet@contoso.onmicrosoft.com;Piet;Pietersen;Piet Pietersen;;;;;;;;;;;;',
    ].join('\r\n'),
  );
  for (const args of [
    ['users', 'add', 'gil', '--display-name', 'Gil Ng', '--usage-location', 'NL', '--license', 'business basic', '--job-title', 'Engineer'],
    ['users', 'add', 'zoe', '--display-name', 'Zoë Ålund', '--usage-location', 'SE'],
    // A user whose manager was made after them: the copy must not insert a report before their manager.
    ['users', 'edit', 'gil', '--manager', 'zoe'],
    ['import', hires, '--license', 'business basic', '--location', 'NL', '--out', path.join(dir, 'results.csv')],
    ['users', 'delete', 'piet@contoso.onmicrosoft.com'],
    ['views', 'create', 'Sales NL', '--department', 'Sales', '--usage-location', 'nl'],
    ['domains', 'add', 'contoso.com'],
    ['import-channel', 'add', 'C0CLICHAN1'],
  ]) {
    const run = await cli(...args);
    expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
  }
  // More users than one INSERT of the copy takes (500), the first reporting to the last: a manager
  // copied in a later batch than their report.
  // (Each with a name of its own, so that the rows compared below are found by their first columns.)
  const tenant = await source.db.selectFrom('Tenant').select('id').executeTakeFirstOrThrow();
  const names = Array.from({ length: 600 }, (_, i) => `qx${String(i).padStart(4, '0')}`);
  const made = await insertDirectoryUsersSkippingTaken(
    source.db,
    names.map((alias) => ({
      tenantId: tenant.id,
      userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
      alias,
      domain: 'contoso.onmicrosoft.com',
      displayName: alias,
      profile: {},
      alternateEmail: null,
      usageLocation: null,
      accountEnabled: true,
      slackUserId: null,
      passwordHash: NO_CLOUD_PASSWORD,
      forceChangePassword: false,
    })),
    new Date(),
  );
  const [first, last] = [made.get(`${names[0]}@contoso.onmicrosoft.com`)!, made.get(`${names.at(-1)}@contoso.onmicrosoft.com`)!];
  await source.db.updateTable('DirectoryUser').set({ managerId: last }).where('id', '=', first).execute();
  const secret = source.runtime.secretKey();
  key = secret.toString('base64');
  const held = await holdCredential(source.ctx, secret, {
    notice: {
      occasion: 'added',
      displayName: 'Gil Ng',
      userPrincipalName: 'gil@contoso.onmicrosoft.com',
      temporaryPassword: 'Tmp-Pass-4711!',
      mustChangeAtNextSignIn: true,
      passwordExpiresAt: null,
      licenses: [],
    },
    recipient: 'U0GIL',
    sentBy: OWNER.slackUserId,
  });
  if (!held.ok) throw new Error(held.message);
  credentialId = held.id;
});
afterAll(async () => source?.destroy());

describe.skipIf(!testPostgresUrl)('roster copy-database (to PostgreSQL)', () => {
  it('copies every table with ids, sealed secrets and timestamps as they are, sets the feed past the copy, and check finds nothing', async () => {
    const target = await takePostgresSchema();
    try {
      const run = await roster({ ROSTER_SECRET_KEY: key }, 'copy-database', '--to', target.url);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Tenant: 1 row$/m);
      expect(run.stdout).toMatch(/^DirectoryUser: \d+ rows$/m);
      expect(run.stdout).toMatch(/Every table has as many rows as in the source\./);
      expect(run.stdout).toMatch(/Global admins: every organization has one who can sign in\./);
      // Tenant comes before the tables that reference it.
      expect(run.stdout.indexOf('Tenant:')).toBeLessThan(run.stdout.indexOf('DirectoryUser:'));

      const targetDb = await import('../../src/db/open-database.js').then((m) => m.openDatabase(target.url));
      try {
        // Every table of the target (what its migrations made), the migrator's own record aside.
        const tables = (
          await sql<{
            name: string;
          }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`.execute(targetDb.db)
        ).rows.map((row) => row.name);
        expect(tables).toEqual(
          expect.arrayContaining(['Tenant', 'DirectoryUser', 'AuditRecord', 'ImportJob', 'PendingCredential', 'CustomView', 'Domain', 'Job', 'ChangeEvent']),
        );
        let compared = 0;
        for (const table of tables) {
          const want = source.sqlite!.prepare(`SELECT * FROM "${table}" `).all() as Record<string, unknown>[];
          // Read back through the store's PostgreSQL driver: values in the forms the store reads on SQLite.
          const got = (await targetDb.db
            .selectFrom(table as never)
            .selectAll()
            .execute()) as Record<string, unknown>[];
          expect(got.length, table).toBe(want.length);
          const byKey = (row: Record<string, unknown>) => JSON.stringify(Object.values(row).slice(0, 2));
          const gotByKey = new Map(got.map((row) => [byKey(row), row]));
          for (const row of want.slice(0, 5)) {
            const copy = gotByKey.get(byKey(row));
            expect(copy, `${table} ${byKey(row)}`).toBeDefined();
            for (const [column, value] of Object.entries(row)) {
              const copied = copy![column];
              if (Buffer.isBuffer(value)) expect(Buffer.from(copied as Uint8Array).equals(value), `${table}.${column}`).toBe(true);
              else if (typeof value === 'string' && /^\d{4}-\d\d-\d\d[ T]\d\d:/.test(value))
                expect(new Date(copied as string).getTime(), `${table}.${column}`).toBe(
                  new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`).getTime(),
                );
              else expect(copied, `${table}.${column}`).toEqual(value);
            }
            compared += 1;
          }
        }
        expect(compared).toBeGreaterThan(20);
        // The sealed password opens on PostgreSQL with the carried-over key.
        const credential = await pendingCredentialById(targetDb.db, credentialId);
        expect(open(Buffer.from(key, 'base64'), credential!.sealed!, credentialAad(credentialId, 'U0GIL'))).toBe('Tmp-Pass-4711!');
      } finally {
        await targetDb.close();
      }
      // The change feed's next seq comes after the copied ones.
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT max(seq) AS max, nextval(pg_get_serial_sequence('"ChangeEvent"', 'seq')) AS next FROM "ChangeEvent"`);
        expect(Number(rows[0].max)).toBeGreaterThan(0);
        expect(Number(rows[0].next)).toBe(Number(rows[0].max) + 1);
      } finally {
        await client.end();
      }

      // Run again: the target holds an organization now, and is refused with the fix.
      const again = await roster({ ROSTER_SECRET_KEY: key }, 'copy-database', '--to', target.url);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^error: the target already holds 1 organization: copy into an empty database \(CREATE DATABASE/);
    } finally {
      target.release();
    }
  });

  it('exits 1 when check finds a difference in what was copied (a seat count off in the source), saying which', async () => {
    const target = await takePostgresSchema();
    const pool = source.sqlite!.prepare(`SELECT "tenantId", "skuId", assigned FROM "LicensePool" LIMIT 1`).get() as {
      tenantId: string;
      skuId: string;
      assigned: number;
    };
    source.sqlite!.prepare(`UPDATE "LicensePool" SET assigned = ? WHERE "tenantId" = ? AND "skuId" = ?`).run(pool.assigned + 1, pool.tenantId, pool.skuId);
    try {
      const run = await roster({ ROSTER_SECRET_KEY: key }, 'copy-database', '--to', target.url);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/Every table has as many rows as in the source\./);
      expect(run.stdout).toMatch(new RegExp(`the pool says ${pool.assigned + 1} assigned of \\d+; the assignments count ${pool.assigned}\\.`));
      expect(run.stdout).toMatch(/1 difference found\.\n$/);
      expect(run.stdout).not.toMatch(/^Done\./m);
    } finally {
      source.sqlite!.prepare(`UPDATE "LicensePool" SET assigned = ? WHERE "tenantId" = ? AND "skuId" = ?`).run(pool.assigned, pool.tenantId, pool.skuId);
      target.release();
    }
  });
});

describe('roster copy-database refusals', () => {
  it('refuses without the key that sealed the source, and says how to carry it over', async () => {
    const to = testPostgresUrl ?? 'postgres://roster@127.0.0.1:1/roster';
    const none = await roster({}, 'copy-database', '--to', to);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/the source's secrets are sealed with the key in .*roster\.db\.secret-key, and ROSTER_SECRET_KEY is not set/);
    expect(none.stderr).toMatch(/Carry the key over: ROSTER_SECRET_KEY="\$\(cat .*roster\.db\.secret-key\)"/);
    const other = await roster({ ROSTER_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }, 'copy-database', '--to', to);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/ROSTER_SECRET_KEY holds another key/);
  });

  it('refuses while a Roster app is at work on the source (a job leased to it), before touching the target', async () => {
    const soon = new Date(Date.now() + 60_000).toISOString().replace('Z', '+00:00');
    const now = new Date().toISOString().replace('Z', '+00:00');
    source
      .sqlite!.prepare(
        `INSERT INTO "Job" (id, kind, status, requestedBy, runAt, leaseOwner, leaseExpiresAt, createdAt, updatedAt) VALUES ('job-live', 'sweep', 'running', 'roster:test', ?, 'host:42:abc', ?, ?, ?)`,
      )
      .run(now, soon, now, now);
    try {
      const run = await roster({ ROSTER_SECRET_KEY: key }, 'copy-database', '--to', 'postgres://roster@127.0.0.1:1/roster');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^error: a Roster app is at work on .*roster\.db: a job is running there now \(leased by host:42:abc\)\. Stop the app, then copy/,
      );
    } finally {
      source.sqlite!.prepare(`DELETE FROM "Job" WHERE id = 'job-live'`).run();
    }
  });

  it('names a wrong --to or --from, and a source that does not exist', async () => {
    expect((await roster({}, 'copy-database')).stderr).toMatch(/needs --to/);
    expect((await roster({}, 'copy-database', '--to', 'file:/tmp/x.db')).stderr).toMatch(
      /--to is a PostgreSQL URL \(postgres:\/\/…\), not "file:\/tmp\/x\.db"/,
    );
    const missing = await roster({}, 'copy-database', '--from', 'file:/nonexistent/roster.db', '--to', 'postgres://h/db');
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/no SQLite database at \/nonexistent\/roster\.db/) });
  });
});
