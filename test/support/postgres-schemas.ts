/**
 * PostgreSQL for tests: each test database is a schema of its own in TEST_POSTGRES_URL's database
 * (the URL given to the runtime sets `search_path` to it), so tests running at once, here or in
 * another checkout's run on the same server, never meet. A schema is made (and migrated by the
 * runtime that opens it) the first time a test file asks for one; when that test is done, the
 * next test of the same file gets it back emptied (a DELETE of every table: making and migrating a
 * schema costs ~200 ms, TRUNCATE ~300 ms, the DELETEs a few ms). Every schema a file made is
 * dropped after the file (`postgres-cleanup.ts`, a setup file).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** TEST_POSTGRES_URL: where the PostgreSQL variants of the tests run; unset, they are skipped. */
export const testPostgresUrl: string | null = process.env.TEST_POSTGRES_URL || null;

let admin: pg.Client | null = null;
/** Schemas this file made, and those of them no test holds now. */
const made: string[] = [];
const free: string[] = [];

async function adminClient(): Promise<pg.Client> {
  if (!testPostgresUrl) throw new Error('TEST_POSTGRES_URL is not set: the PostgreSQL variants are skipped (test/support/databases.ts)');
  if (!admin) {
    const client = new pg.Client({ connectionString: testPostgresUrl, application_name: 'roster-tests' });
    await client.connect();
    admin = client;
  }
  return admin;
}

/**
 * TEST_POSTGRES_URL with `search_path` set to `schema`. Commits do not wait for the WAL's flush to
 * disk (`synchronous_commit=off`: a crash of the server could lose the last commits, of a test
 * database): what tests check is what was committed, and a commit costs ~2 ms less.
 */
export function urlWithSchema(schema: string): string {
  const url = new URL(testPostgresUrl ?? '');
  url.searchParams.set('options', `-c search_path=${schema} -c synchronous_commit=off`);
  return url.toString();
}

/** A schema no other test holds, empty (its tables made by the first runtime that opens it), as the URL to open it by; `release` when done. */
export async function takePostgresSchema(): Promise<{ schema: string; url: string; release: () => void }> {
  const client = await adminClient();
  let schema = free.pop();
  if (schema) await emptySchema(client, schema);
  else {
    schema = `roster_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await client.query(`CREATE SCHEMA "${schema}"`);
    made.push(schema);
  }
  const taken = schema;
  return { schema: taken, url: urlWithSchema(taken), release: () => void free.push(taken) };
}

/** Deletes every row but the migrations' record, and starts the sequences again. */
async function emptySchema(client: pg.Client, schema: string): Promise<void> {
  const { rows } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`, [
    schema,
  ]);
  const sequences = await client.query<{ name: string }>('SELECT sequencename AS name FROM pg_sequences WHERE schemaname = $1', [schema]);
  await client.query(
    [
      'BEGIN',
      ...rows.map((row) => `DELETE FROM "${schema}"."${row.name}"`),
      ...sequences.rows.map((row) => `ALTER SEQUENCE "${schema}"."${row.name}" RESTART`),
      'COMMIT',
    ].join(';\n'),
  );
}

/** Drops the schemas this file made (after the file; a test still holding one has ended by then). */
export async function dropPostgresSchemas(): Promise<void> {
  if (!admin) return;
  const client = admin;
  admin = null;
  const schemas = made.splice(0);
  free.length = 0;
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
