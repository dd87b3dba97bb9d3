import type { Db } from './database.js';
import { dialectOf } from './dialect.js';

/**
 * Serializes the transactions of one organization that write its directory (users, roles, sign-in,
 * licenses, seats) or decide on what others may change at the same moment (who may act on whom,
 * the last Global admin who can sign in, the seats left). On SQLite this is already so (every
 * transaction takes the one write lock at BEGIN IMMEDIATE); on PostgreSQL it is a
 * transaction-scoped advisory lock on the organization, held until COMMIT or ROLLBACK. Take it
 * first, before the transaction's first read or write of the organization's rows, so that
 * transactions that also lock rows always wait in one order (DEVELOPERS.md "Concurrency").
 * The dialect's own code is in sqlite-driver.ts and postgres-driver.ts.
 */
export async function lockOrganization(tx: Db, tenantId: string): Promise<void> {
  if (!tx.isTransaction) throw new Error('lockOrganization runs inside a transaction');
  await dialectOf(tx).lockOrganization(tx, tenantId);
}

/**
 * Refuses (a programming error, not a person's) a write of the organization's seats from a
 * transaction that does not hold its lock: the seat ledger calls this, so a new write path that
 * forgot `lockOrganization` fails its first test on PostgreSQL instead of racing in production.
 */
export async function requireOrganizationLock(tx: Db, tenantId: string, what: string): Promise<void> {
  if (!tx.isTransaction || !(await dialectOf(tx).holdsOrganizationLock(tx, tenantId)))
    throw new Error(`${what} runs in a transaction that holds its organization's lock (lockOrganization, taken first)`);
}

/**
 * Serializes, across organizations, the transactions that decide whether a domain name is free
 * (adding and verifying a domain: a verified domain belongs to one organization only). Taken after
 * the organization's own lock.
 */
export async function lockDomainName(tx: Db, name: string): Promise<void> {
  if (!tx.isTransaction) throw new Error('lockDomainName runs inside a transaction');
  await dialectOf(tx).lockDomainName(tx, name);
}
