import type { Db } from './database.js';

/**
 * Serializes the transactions of one organization that decide on what others may change at the
 * same moment (who may act on whom, the last Global admin who can sign in). On SQLite this is
 * already so: every transaction starts BEGIN IMMEDIATE (sqlite-driver.ts), which takes the
 * database's one write lock before its first read, so nothing is to be done. A PostgreSQL store
 * takes a transaction-scoped advisory lock on the organization here.
 */
export async function lockOrganization(tx: Db, _tenantId: string): Promise<void> {
  if (!tx.isTransaction) throw new Error('lockOrganization runs inside a transaction');
}
