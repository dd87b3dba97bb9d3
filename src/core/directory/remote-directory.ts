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
  /**
   * The change it refused, in the admin's words (the user's later changes were not sent), or null.
   * `unanswered`: the tenant gave no verdict (it could not be reached, kept throttling, refused the
   * app's sign-in): the change may have been made or not.
   */
  refused: { change: DirectoryChange; problem: CoreError; unanswered?: boolean } | null;
}

export interface ApplyOptions {
  keepMadeUsers?: boolean;
  madeBefore?: ReadonlyMap<string, Date>;
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
   * accepted; users are independent of each other (many users go in JSON batches). A user the
   * changes made whose later change was refused is removed again for good, so a refusal leaves the
   * tenant as it was, unless `keepMadeUsers` (an import that makes users without the licenses
   * left). `madeBefore`: usernames an interrupted run may have made already (by lower-case
   * username, when it asked): a user the tenant has under that name, made since, is taken as made.
   */
  apply(changes: readonly DirectoryChange[], options?: ApplyOptions): Promise<Map<string, TenantVerdict>>;
  /** These users as the tenant has them now (deleted, or gone for good, when it no longer has them). */
  read(externalIds: readonly string[]): Promise<MirrorChange[]>;
}
