import type { Db } from './database.js';
import { dialectOf } from './dialect.js';

/**
 * Serializes the transactions of one organization that decide on what others may change at the
 * same moment (who may act on whom, the last Global admin who can sign in). On SQLite this is
 * already so (every transaction takes the one write lock at BEGIN IMMEDIATE); on PostgreSQL it is a
 * transaction-scoped advisory lock on the organization, held until COMMIT or ROLLBACK. The
 * dialect's own code is in sqlite-driver.ts and postgres-driver.ts.
 */
export async function lockOrganization(tx: Db, tenantId: string): Promise<void> {
  if (!tx.isTransaction) throw new Error('lockOrganization runs inside a transaction');
  await dialectOf(tx).lockOrganization(tx, tenantId);
}
