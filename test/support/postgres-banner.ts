/**
 * vitest.config.ts `globalSetup`: without TEST_POSTGRES_URL, says once that the PostgreSQL variants
 * are skipped and how to run them; with it, checks once that the server answers (a wrong URL fails
 * the run at its start, not in every test).
 */
import pg from 'pg';

export default async function postgresBanner(): Promise<void> {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) {
    process.stdout.write(
      'PostgreSQL variants skipped: TEST_POSTGRES_URL is not set (TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test npm test runs them).\n',
    );
    return;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`TEST_POSTGRES_URL is set but its server does not answer: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
