import type { DirectoryProvider } from '../core/directory/directory-provider.js';
import { insertDirectoryUser, insertDirectoryUsersSkippingTaken, setMailboxAndLicenseError, setPasswordHashes } from '../store/directory-users.js';
import { assignLicense, setDisabledPlans, unassignLicense } from '../store/seat-ledger.js';
import { replaceRoles, setUserPassword, setUserSource, updateUserFields } from '../store/user-edits.js';
import { markGuest, purgeDeletedUser, removeMailboxPastGrace, softDeleteUser, undeleteUser } from '../store/user-lifecycle.js';

/**
 * Roster's own directory: each change is written to its tables, in the core's transaction. A
 * temporary password in clear is never used here (only its hash is stored).
 */
export function embeddedDirectory(): DirectoryProvider {
  return {
    name: 'embedded',
    createUser: (tx, user, roles, at) => insertDirectoryUser(tx, user, roles, at),
    createUsers: (tx, users, at) => insertDirectoryUsersSkippingTaken(tx, users, at),
    updateUser: (tx, userId, changes, at) => updateUserFields(tx, userId, changes, at),
    setRoles: (tx, userId, roles, at) => replaceRoles(tx, userId, roles, at),
    setPassword: (tx, userId, { passwordHash, forceChangePassword }, at) => setUserPassword(tx, userId, { passwordHash, forceChangePassword }, at),
    reissuePasswords: (tx, changes, at) =>
      setPasswordHashes(
        tx,
        changes.map(({ userId, passwordHash }) => ({ userId, passwordHash })),
        at,
      ),
    setSource: (tx, userId, source, at) => setUserSource(tx, userId, source, at),
    markGuest: (tx, userId) => markGuest(tx, userId),
    deleteUser: (tx, userId, remembered, at) => softDeleteUser(tx, userId, remembered, at),
    restoreUser: (tx, userId, { temporaryPassword: _inClear, ...change }, condition, at) => undeleteUser(tx, userId, change, condition, at),
    purgeUser: (tx, userId, cutoff) => purgeDeletedUser(tx, userId, cutoff),
    assignLicenses: (tx, tenantId, skuId, grants, at) => assignLicense(tx, tenantId, skuId, grants, at),
    unassignLicenses: (tx, tenantId, skuId, userIds) => unassignLicense(tx, tenantId, skuId, userIds),
    setDisabledPlans: (tx, userId, skuId, disabledPlans) => setDisabledPlans(tx, userId, skuId, disabledPlans),
    setMailbox: (tx, userId, change, at) => setMailboxAndLicenseError(tx, userId, change, at),
    endMailboxGrace: (tx, userId, now) => removeMailboxPastGrace(tx, userId, now),
  };
}
