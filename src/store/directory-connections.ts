import type { Db } from './database.js';
import type { SealedSecret } from './pending-credentials.js';
import { fromDbDate, fromDbJson, toDbDate, toDbJson } from './values.js';

/**
 * All SQL about an organization's connection to a Microsoft 365 tenant: the app registration
 * (its client secret sealed), whether the admin has confirmed it, the sync at work and where the
 * next delta query starts.
 */

export type ConnectionStatus = 'pending' | 'connected';

export interface ConnectionRecord {
  tenantId: string;
  status: ConnectionStatus;
  /** What the admin typed (the tenant's GUID or one of its domains). */
  microsoftTenant: string;
  microsoftTenantId: string;
  displayName: string;
  clientId: string;
  sealedSecret: SealedSecret;
  requestedBy: string;
  /** Users of Roster's own directory the check did not find in the tenant. */
  leftOutUsers: number;
  createdAt: Date;
  connectedAt: Date | null;
  usersDeltaLink: string | null;
  syncJobId: string | null;
  lastSyncAt: Date | null;
  lastSyncError: string | null;
  /** Decoded JSON (the core checks its shape), null when none. */
  lastSyncCounts: unknown;
  /** When a sync last read the users' Entra roles; null: never. */
  rolesReadAt: Date | null;
  /** The permission the app lacked at the last sync's read of the Entra roles; null: read, or not tried yet. */
  rolesUnreadFor: string | null;
  /** The last sync that read every user's sign-in activity to the end; null: never. */
  signInReadAt: Date | null;
  /** The last try to read it (read or refused). */
  signInTriedAt: Date | null;
  /** Why the last try could not read it; null when it was read (or never tried). */
  signInProblem: string | null;
}

export interface NewConnection {
  tenantId: string;
  microsoftTenant: string;
  microsoftTenantId: string;
  displayName: string;
  clientId: string;
  sealedSecret: SealedSecret;
  requestedBy: string;
  leftOutUsers: number;
}

export async function connectionOf(db: Db, tenantId: string): Promise<ConnectionRecord | null> {
  const row = await db.selectFrom('DirectoryConnection').selectAll().where('tenantId', '=', tenantId).executeTakeFirst();
  if (!row) return null;
  return {
    tenantId: row.tenantId,
    status: row.status === 'connected' ? 'connected' : 'pending',
    microsoftTenant: row.microsoftTenant,
    microsoftTenantId: row.microsoftTenantId,
    displayName: row.displayName,
    clientId: row.clientId,
    sealedSecret: { ciphertext: Buffer.from(row.secretCiphertext), iv: Buffer.from(row.secretIv), tag: Buffer.from(row.secretTag) },
    requestedBy: row.requestedBy,
    leftOutUsers: row.leftOutUsers,
    createdAt: fromDbDate(row.createdAt),
    connectedAt: fromDbDate(row.connectedAt),
    usersDeltaLink: row.usersDeltaLink,
    syncJobId: row.syncJobId,
    lastSyncAt: fromDbDate(row.lastSyncAt),
    lastSyncError: row.lastSyncError,
    lastSyncCounts: row.lastSyncCounts === null ? null : fromDbJson(row.lastSyncCounts),
    rolesReadAt: fromDbDate(row.rolesReadAt),
    rolesUnreadFor: row.rolesUnreadFor,
    signInReadAt: fromDbDate(row.signInReadAt),
    signInTriedAt: fromDbDate(row.signInTriedAt),
    signInProblem: row.signInProblem,
  };
}

/**
 * Keeps a checked connection until the admin confirms it (a pending one asked for before is
 * replaced). False, writing nothing, when the organization is connected already.
 */
export async function savePendingConnection(db: Db, connection: NewConnection, at: Date): Promise<boolean> {
  const row = {
    tenantId: connection.tenantId,
    status: 'pending',
    microsoftTenant: connection.microsoftTenant,
    microsoftTenantId: connection.microsoftTenantId,
    displayName: connection.displayName,
    clientId: connection.clientId,
    secretCiphertext: connection.sealedSecret.ciphertext,
    secretIv: connection.sealedSecret.iv,
    secretTag: connection.sealedSecret.tag,
    requestedBy: connection.requestedBy,
    leftOutUsers: connection.leftOutUsers,
    createdAt: toDbDate(at),
  };
  const written = await db
    .insertInto('DirectoryConnection')
    .values(row)
    .onConflict((conflict) =>
      conflict
        .column('tenantId')
        .doUpdateSet(({ ref }) => ({
          status: ref('excluded.status'),
          microsoftTenant: ref('excluded.microsoftTenant'),
          microsoftTenantId: ref('excluded.microsoftTenantId'),
          displayName: ref('excluded.displayName'),
          clientId: ref('excluded.clientId'),
          secretCiphertext: ref('excluded.secretCiphertext'),
          secretIv: ref('excluded.secretIv'),
          secretTag: ref('excluded.secretTag'),
          requestedBy: ref('excluded.requestedBy'),
          leftOutUsers: ref('excluded.leftOutUsers'),
          createdAt: ref('excluded.createdAt'),
        }))
        .where('DirectoryConnection.status', '=', 'pending'),
    )
    .executeTakeFirst();
  return Number(written.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** The pending connection becomes the organization's; false when it is not pending (gone, or confirmed already). */
export async function markConnected(db: Db, tenantId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('DirectoryConnection')
    .set({
      status: 'connected',
      connectedAt: toDbDate(at),
      usersDeltaLink: null,
      syncJobId: null,
      lastSyncAt: null,
      lastSyncError: null,
      lastSyncCounts: null,
      rolesReadAt: null,
      rolesUnreadFor: null,
      signInReadAt: null,
      signInTriedAt: null,
      signInProblem: null,
    })
    .where('tenantId', '=', tenantId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Removes the connection (and with it the sealed secret); false when there was none. */
export async function deleteConnection(db: Db, tenantId: string): Promise<boolean> {
  const result = await db.deleteFrom('DirectoryConnection').where('tenantId', '=', tenantId).executeTakeFirst();
  return result.numDeletedRows === 1n;
}

/** Organizations connected to a tenant (the scheduled sync asks for each). */
export async function connectedTenantIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('DirectoryConnection').select('tenantId').where('status', '=', 'connected').orderBy('tenantId').execute()).map((r) => r.tenantId);
}

/**
 * Makes `jobId` the organization's one sync at work: when none is, when it is this job already (a
 * resumed run), or when the one recorded no longer runs (it ended, or its runner stopped holding its
 * lease: a command line that was killed). False otherwise.
 */
export async function claimSync(db: Db, tenantId: string, jobId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('DirectoryConnection')
    .set({ syncJobId: jobId })
    .where('tenantId', '=', tenantId)
    .where('status', '=', 'connected')
    .where((eb) =>
      eb.or([
        eb('syncJobId', 'is', null),
        eb('syncJobId', '=', jobId),
        eb.not(
          eb.exists(
            eb
              .selectFrom('Job')
              .select('Job.id')
              .whereRef('Job.id', '=', 'DirectoryConnection.syncJobId')
              .where((job) =>
                job.or([job('Job.status', '=', 'queued'), job.and([job('Job.status', '=', 'running'), job('Job.leaseExpiresAt', '>', toDbDate(now))])]),
              ),
          ),
        ),
      ]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Where the next delta query starts, saved by the sync that holds the claim; false when it lost it. */
export async function saveUsersDeltaLink(db: Db, tenantId: string, jobId: string, link: string | null): Promise<boolean> {
  const result = await db
    .updateTable('DirectoryConnection')
    .set({ usersDeltaLink: link })
    .where('tenantId', '=', tenantId)
    .where('syncJobId', '=', jobId)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** The sync ends (done or failed): the claim is let go and what it did kept. */
export async function recordSyncEnd(
  db: Db,
  tenantId: string,
  jobId: string,
  end: { at: Date; error: string | null; counts?: Record<string, number>; roles?: { read: true } | { read: false; missing: string } },
): Promise<void> {
  await db
    .updateTable('DirectoryConnection')
    .set({
      syncJobId: null,
      lastSyncError: end.error,
      ...(end.error === null ? { lastSyncAt: toDbDate(end.at) } : {}),
      ...(end.counts ? { lastSyncCounts: toDbJson(end.counts) } : {}),
      ...(end.roles?.read === true ? { rolesReadAt: toDbDate(end.at), rolesUnreadFor: null } : {}),
      ...(end.roles?.read === false ? { rolesUnreadFor: end.roles.missing } : {}),
    })
    .where('tenantId', '=', tenantId)
    .where((eb) => eb.or([eb('syncJobId', '=', jobId), eb('syncJobId', 'is', null)]))
    .execute();
}

/** Whether `jobId` still holds the organization's sync (the organization was not disconnected meanwhile). */
export async function holdsSync(db: Db, tenantId: string, jobId: string): Promise<boolean> {
  const row = await db
    .selectFrom('DirectoryConnection')
    .select('tenantId')
    .where('tenantId', '=', tenantId)
    .where('status', '=', 'connected')
    .where('syncJobId', '=', jobId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Why the sync at work failed this time (it may be tried again). */
export async function noteSyncError(db: Db, tenantId: string, error: string): Promise<void> {
  await db.updateTable('DirectoryConnection').set({ lastSyncError: error }).where('tenantId', '=', tenantId).execute();
}

/** Checks nobody confirmed (their sealed secrets with them), made before `before`; how many went. */
export async function deletePendingConnectionsBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('DirectoryConnection').where('status', '=', 'pending').where('createdAt', '<', toDbDate(before)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * How the sync's sign-in activity pass ended, by the sync that holds the claim: read to the end
 * (`problem` null: `signInReadAt` becomes `at`), or refused with why (the last read is kept, but
 * the report no longer counts on it). False when the claim was lost.
 */
export async function recordSignInRead(db: Db, tenantId: string, jobId: string, at: Date, problem: string | null): Promise<boolean> {
  const result = await db
    .updateTable('DirectoryConnection')
    .set({ signInTriedAt: toDbDate(at), signInProblem: problem, ...(problem === null ? { signInReadAt: toDbDate(at) } : {}) })
    .where('tenantId', '=', tenantId)
    .where('syncJobId', '=', jobId)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
