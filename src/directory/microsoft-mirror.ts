import type { DirectoryMirror } from '../core/directory/directory-mirror.js';
import { applyMirrorChanges, deleteUsersNotMirroredSince } from '../store/directory-mirror.js';
import { setMirroredDomains, setMirroredProducts } from '../store/directory-mirror-facts.js';
import { linkSlackMembers, setMirroredRoles } from '../store/directory-mirror-access.js';
import type { Db } from '../store/database.js';
import { setMirroredSignIns } from '../store/directory-mirror-signins.js';
import { lockOrganization } from '../store/organization-lock.js';

/** The organization's lock first, as every writer of its directory takes it (store/organization-lock.ts). */
const locked =
  <A extends unknown[], R>(write: (tx: Db, tenantId: string, ...rest: A) => Promise<R>) =>
  async (tx: Db, tenantId: string, ...rest: A): Promise<R> => {
    await lockOrganization(tx, tenantId);
    return write(tx, tenantId, ...rest);
  };

/**
 * The mirror of a connected Microsoft 365 tenant: what its sync reads, written to Roster's tables
 * in the sync's transactions, each under the organization's lock.
 */
export function microsoftMirror(): DirectoryMirror {
  return {
    applyUsers: locked(applyMirrorChanges),
    removeUsersNotReadSince: locked(deleteUsersNotMirroredSince),
    setProducts: locked(setMirroredProducts),
    setDomains: locked(setMirroredDomains),
    setRoles: locked(setMirroredRoles),
    // Only the sign-in columns, which no change of the directory writes: no lock needed.
    setSignIns: setMirroredSignIns,
    linkMembers: (tx, links, at) => linkSlackMembers(tx, links, at),
  };
}
