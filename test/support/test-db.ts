import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OpenDatabase } from '../../src/db/open-database.js';
import type { SelectQueryBuilder } from 'kysely';
import type { CoreContext, MemberActor } from '../../src/core/context.js';
import type { DirectoryProvider } from '../../src/core/directory/directory-provider.js';
import { createLogger, type Logger } from '../../src/log.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime/create-runtime.js';
import type { DB } from '../../src/generated/kysely/database.js';
import type { Db } from '../../src/store/database.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';
import type { DatabaseKind } from '../../src/store/dialect.js';
import { takePostgresSchema } from './postgres-schemas.js';

/** Vitest, when these helpers run under it (importing it elsewhere fails: it has no state there). */
const vitest = process.env.VITEST ? await import('vitest') : null;

export interface TestDatabase extends OpenDatabase {
  url: string;
  /** The runtime on this database (what the app, the CLI and the bench run on). */
  runtime: Runtime;
  ctx: CoreContext;
  /** Shuts the runtime down and deletes the database's folder. */
  destroy(): Promise<void>;
}

/**
 * A migrated database file at `file` (made from the run's template, test/support/template-database.ts,
 * instead of replaying every migration): for a test that opens it itself or hands it to a process.
 */
export function copyTemplateDatabase(file: string): void {
  // Outside vitest (the bench uses these helpers) there is no template: the runtime migrates the new file.
  if (vitest) copyFileSync(vitest.inject('templateDatabase'), file);
}

/**
 * A migrated database and a runtime on it: by default a real SQLite file in its own temp folder;
 * with `kind: 'postgres'`, a schema of its own in TEST_POSTGRES_URL's database (postgres-schemas.ts;
 * the PostgreSQL variants of a test are made by `describeOnEachDatabase`, databases.ts).
 */
export async function createTestDatabase(
  now: () => Date = () => new Date(),
  options: {
    busyTimeoutMs?: number;
    logger?: Logger;
    directory?: DirectoryProvider;
    kind?: DatabaseKind;
    graph?: RuntimeOptions['graph'];
    jobRunner?: RuntimeOptions['jobRunner'];
  } = {},
): Promise<TestDatabase> {
  const place = options.kind === 'postgres' ? await postgresPlace() : sqlitePlace();
  const runtime = await createRuntime({
    databaseUrl: place.url,
    now,
    logger: options.logger ?? createLogger('error', () => undefined),
    // PostgreSQL keeps no key file beside the database: the runtime is given a key, as an instance is.
    ...(options.kind === 'postgres' ? { secretKey: randomBytes(32) } : {}),
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
    ...(options.directory ? { directory: options.directory } : {}),
    ...(options.graph ? { graph: options.graph } : {}),
    ...(options.jobRunner ? { jobRunner: options.jobRunner } : {}),
  });
  return {
    ...runtime.database,
    url: place.url,
    runtime,
    ctx: runtime.core,
    async destroy() {
      await runtime.shutdown();
      place.release();
    },
  };
}

function sqlitePlace(): { url: string; release: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-test-'));
  const file = path.join(dir, 'roster.db');
  copyTemplateDatabase(file);
  return { url: `file:${file}`, release: () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgresPlace(): Promise<{ url: string; release: () => void }> {
  return takePostgresSchema();
}

export const TEAM = 'T0TEST';
export const OWNER: MemberActor = { teamId: TEAM, slackUserId: 'U0OWNER' };

/** Sets up "Contoso" (contoso.onmicrosoft.com) with OWNER as its Global admin. */
export async function seedTenant(ctx: CoreContext, actor: MemberActor = OWNER) {
  const result = await setupTenant(ctx, actor, {
    organizationName: 'Contoso',
    initialDomain: 'contoso',
    requester: {
      isWorkspaceOwnerOrAdmin: true,
      isBootstrapAdmin: false,
      firstName: 'Olivia',
      lastName: 'Owner',
      displayName: 'Olivia Owner',
      email: 'olivia@example.com',
    },
  });
  if (!result.ok) throw new Error(result.message);
  return result;
}

/** How many rows a table has, optionally narrowed: `countRows(db, 'DirectoryUser', (q) => q.where('aliasKey', '=', 'ana'))`. */
export async function countRows<T extends keyof DB>(
  db: Db,
  table: T,
  narrow: (query: SelectQueryBuilder<DB, T, object>) => SelectQueryBuilder<DB, T, object> = (query) => query,
): Promise<number> {
  const row = await narrow(db.selectFrom(table) as SelectQueryBuilder<DB, T, object>)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
