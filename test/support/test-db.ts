import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import type { Actor, CoreContext } from '../../src/core/context.js';
import { setupTenant } from '../../src/core/tenant/setup-tenant.js';

export interface TestDatabase extends OpenDatabase {
  url: string;
  ctx: CoreContext;
  /** Closes the database and deletes its folder. */
  destroy(): Promise<void>;
}

/** A real SQLite file with every migration applied, in its own temp folder. */
export async function createTestDatabase(now: () => Date = () => new Date(), options: { busyTimeoutMs?: number } = {}): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'roster-test-'));
  const url = `file:${path.join(dir, 'roster.db')}`;
  const db = await openDatabase(url, options);
  return {
    ...db,
    url,
    ctx: { db: db.prisma, sqlite: db.sqlite, now },
    async destroy() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const TEAM = 'T0TEST';
export const OWNER: Actor = { teamId: TEAM, slackUserId: 'U0OWNER' };

/** Sets up "Contoso" (contoso.onmicrosoft.com) with OWNER as its Global admin. */
export async function seedTenant(ctx: CoreContext, actor: Actor = OWNER) {
  const result = await setupTenant(ctx, actor, {
    organizationName: 'Contoso',
    initialDomain: 'contoso',
    requester: { isWorkspaceOwnerOrAdmin: true, isBootstrapAdmin: false, firstName: 'Olivia', lastName: 'Owner', displayName: 'Olivia Owner', email: 'olivia@example.com' },
  });
  if (!result.ok) throw new Error(result.message);
  return result;
}
