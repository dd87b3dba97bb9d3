import type { DirectoryMirror } from '../core/directory/directory-mirror.js';
import { applyMirrorChanges, deleteUsersNotMirroredSince } from '../store/directory-mirror.js';
import { setMirroredDomains, setMirroredProducts } from '../store/directory-mirror-facts.js';

/** The mirror of a connected Microsoft 365 tenant: what its sync reads, written to Roster's tables in the sync's transactions. */
export function microsoftMirror(): DirectoryMirror {
  return {
    applyUsers: (tx, tenantId, changes, at) => applyMirrorChanges(tx, tenantId, changes, at),
    removeUsersNotReadSince: (tx, tenantId, since, limit, at) => deleteUsersNotMirroredSince(tx, tenantId, since, limit, at),
    setProducts: (tx, tenantId, products, at) => setMirroredProducts(tx, tenantId, products, at),
    setDomains: (tx, tenantId, domains, at) => setMirroredDomains(tx, tenantId, domains, at),
  };
}
