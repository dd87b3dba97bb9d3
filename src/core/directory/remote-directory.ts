import type { MirrorChange } from '../../domain/mirror.js';
import type { CoreError } from '../result.js';
import type { DirectoryChange } from './directory-change.js';

/** What the tenant did with one user's changes. */
export interface TenantVerdict {
  /** The user (`ChangedUser.key`). */
  key: string;
  /** Their object id in the tenant (for a user the changes made: the new one; null when it was not made). */
  externalId: string | null;
  /** The changes the tenant accepted, in the order they were sent. */
  applied: DirectoryChange[];
  /** The change it refused, in the admin's words (the user's later changes were not sent), or null. */
  refused: { change: DirectoryChange; problem: CoreError } | null;
}

/**
 * A directory that lives elsewhere (a connected Microsoft 365 tenant): the changes a use case made
 * are sent to it outside any database transaction (core/directory/change-directory.ts), and what
 * it has is read back when Roster could not record what it accepted. Implemented over Microsoft
 * Graph by core/microsoft/tenant-directory.ts.
 */
export interface RemoteDirectory {
  /** How the admin knows the tenant (its display name). */
  readonly tenantName: string;
  /**
   * Sends the changes, each user's in CHANGE_ORDER and the next only once the one before was
   * accepted; users are independent of each other. A user the changes made whose later change was
   * refused is removed again for good, so a refusal leaves the tenant as it was.
   */
  apply(changes: readonly DirectoryChange[]): Promise<Map<string, TenantVerdict>>;
  /** These users as the tenant has them now (deleted, or gone for good, when it no longer has them). */
  read(externalIds: readonly string[]): Promise<MirrorChange[]>;
}
