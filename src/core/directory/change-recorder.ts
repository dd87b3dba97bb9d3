import type { Db } from '../../store/database.js';
import type { NewDirectoryUser } from '../../store/directory-users.js';
import { tenantFieldsOf, tenantObjectsOf } from '../../store/tenant-objects.js';
import { PROFILE_FIELD_NAMES } from '../../domain/profile-fields.js';
import type { UserFieldChanges } from '../../domain/user-changes.js';
import { CoreFailure, fail } from '../result.js';
import { CONNECTED_CHANGED_MEANWHILE, SYNCED_FROM_TENANT } from '../refusals.js';
import {
  CHANGE_ORDER,
  sameChange,
  type ChangedUser,
  type ChangeKind,
  type DirectoryChange,
  type LicenseGrant,
  type NewTenantUser,
  type TenantUserChanges,
} from './directory-change.js';
import type { DirectoryProvider } from './directory-provider.js';
import type { TenantVerdict } from './remote-directory.js';

/** An import records what the tenant made itself: its rehearsal alone runs with a recorder. */
const IMPORTS_KEEP_THEIR_OWN = 'An import keeps what the tenant made itself (core/bulk/import-to-tenant.ts).';

/**
 * The directory provider a connected organization's use case runs with: every change is written to
 * Roster's tables through the embedded provider (so the use case reads what it wrote, as always),
 * and noted as a DirectoryChange for the tenant. Two modes:
 *
 * - `rehearse`: in a transaction that is rolled back, to learn what to send to the tenant;
 * - `record`: in the transaction that keeps the change, once the tenant answered (`verdicts`): a
 *   user whose change the tenant refused is refused here with its words, a user the tenant made gets
 *   its object id, and `verify` (before COMMIT) checks the run asked for exactly what the tenant accepted.
 */
export class ChangeRecorder {
  private readonly byKey = new Map<string, Map<ChangeKind, DirectoryChange>>();
  /** Roster ids of users made in this run, by their key. */
  private readonly made = new Map<string, string>();
  /** The refusal a `record` run met (the tenant's words), if any. */
  refusal: CoreFailure | null = null;
  /** A `record` run met a user the tenant was told nothing about (they changed meanwhile): even if a step caught it, the run is not kept. */
  private unheard = false;

  constructor(
    private readonly inner: DirectoryProvider,
    private readonly verdicts: Map<string, TenantVerdict> | null = null,
  ) {}

  /** Every change asked for, one user after another (in the order first met), each user's in CHANGE_ORDER. */
  changes(): DirectoryChange[] {
    return [...this.byKey.values()].flatMap((kinds) => CHANGE_ORDER.flatMap((kind) => (kinds.has(kind) ? [kinds.get(kind)!] : [])));
  }

  /** Users the tenant changed that this run did not record (to be read back from the tenant). */
  unrecorded(): TenantVerdict[] {
    if (!this.verdicts) return [];
    return [...this.verdicts.values()].filter((v) => v.applied.length > 0 && (!this.byKey.has(v.key) || v.refused !== null));
  }

  /** Before COMMIT of a `record` run: throws when a user's changes differ from what the tenant accepted. */
  verify(): void {
    if (!this.verdicts) return;
    if (this.unheard) throw new CoreFailure(fail('conflict', CONNECTED_CHANGED_MEANWHILE));
    for (const [key, kinds] of this.byKey) {
      const verdict = this.verdicts.get(key);
      const asked = [...kinds.values()];
      if (!verdict || verdict.refused || verdict.applied.length !== asked.length || !asked.every((c) => verdict.applied.some((a) => sameChange(a, c))))
        throw new CoreFailure(fail('conflict', CONNECTED_CHANGED_MEANWHILE));
    }
  }

  provider(): DirectoryProvider {
    const inner = this.inner;
    return {
      name: 'tenant',
      createUser: async (tx, user, roles, at, temporaryPassword) => {
        const key = `new:${user.userPrincipalName.toLowerCase()}`;
        const fields = newTenantUser(user);
        const changed: ChangedUser = { key, externalId: null, userPrincipalName: user.userPrincipalName };
        const externalId = this.admit(key);
        const id = await inner.createUser(tx, withExternalId(user, externalId), roles, at);
        this.made.set(key, id);
        this.note({ kind: 'create', user: changed, fields, password: temporaryPassword ?? '', forceChangePassword: user.forceChangePassword });
        return id;
      },
      createUsers: async (tx, users, at, passwords) => {
        // An import's rehearsal (core/bulk/import-to-tenant.ts keeps what the tenant accepted itself).
        if (this.verdicts) throw new Error(IMPORTS_KEEP_THEIR_OWN);
        const ids = await inner.createUsers(tx, users, at);
        for (const user of users) {
          const id = ids.get(user.userPrincipalName.toLowerCase());
          if (!id) continue;
          const key = `new:${user.userPrincipalName.toLowerCase()}`;
          this.made.set(key, id);
          this.note({
            kind: 'create',
            user: { key, externalId: null, userPrincipalName: user.userPrincipalName },
            fields: newTenantUser(user),
            password: passwords?.get(user.userPrincipalName.toLowerCase()) ?? '',
            forceChangePassword: user.forceChangePassword,
          });
        }
        return ids;
      },
      updateUser: async (tx, userId, changes, at) => {
        const user = await this.user(tx, userId);
        const differ = await changedProperties(tx, userId, changes);
        const manager = changes.managerId !== undefined ? await this.managerChange(tx, userId, changes.managerId) : null;
        await inner.updateUser(tx, userId, changes, at);
        if (manager) this.note({ kind: 'manager', user, managerExternalId: manager.externalId });
        if (Object.keys(differ).length === 0) return;
        const before = this.byKey.get(user.key)?.get('update');
        const merged =
          before?.kind === 'update'
            ? {
                ...before.changes,
                ...differ,
                ...(before.changes.profile || differ.profile ? { profile: { ...before.changes.profile, ...differ.profile } } : {}),
              }
            : differ;
        this.note({ kind: 'update', user, changes: merged });
      },
      // Roles are Roster's own on a connected organization until they follow the tenant's (docs/domain.md).
      setRoles: (tx, userId, roles, at) => inner.setRoles(tx, userId, roles, at),
      setPassword: async (tx, userId, change, at) => {
        const user = await this.user(tx, userId);
        await inner.setPassword(tx, userId, change, at);
        this.note({ kind: 'password', user, password: change.temporaryPassword ?? '', forceChangePassword: change.forceChangePassword });
      },
      reissuePasswords: async (tx, changes, at) => {
        if (this.verdicts) throw new Error(IMPORTS_KEEP_THEIR_OWN);
        const users = await Promise.all(changes.map((c) => this.user(tx, c.userId)));
        await inner.reissuePasswords(tx, changes, at);
        changes.forEach((change, i) => this.note({ kind: 'password', user: users[i]!, password: change.temporaryPassword ?? '', forceChangePassword: true }));
      },
      setSource: () => {
        throw new CoreFailure(fail('unsupported', SYNCED_FROM_TENANT));
      },
      markGuest: async (tx, userId) => {
        await inner.markGuest(tx, userId);
        const key = [...this.made].find(([, id]) => id === userId)?.[0];
        const create = key ? this.byKey.get(key)?.get('create') : undefined;
        if (!key || create?.kind !== 'create') throw new Error('markGuest follows the createUser of the same guest');
        this.byKey.get(key)!.delete('create');
        this.note({ kind: 'invite', user: create.user, email: create.fields.alternateEmail ?? '', displayName: create.fields.displayName });
      },
      deleteUser: async (tx, userId, remembered, at) => {
        const user = await this.user(tx, userId);
        const done = await inner.deleteUser(tx, userId, remembered, at);
        // The tenant keeps a deleted user's licenses with them: none is taken away first.
        this.byKey.get(user.key)?.delete('licenses');
        if (done) this.note({ kind: 'delete', user });
        return done;
      },
      restoreUser: async (tx, userId, change, condition, at) => {
        const user = await this.user(tx, userId);
        const done = await inner.restoreUser(tx, userId, change, condition, at);
        if (done) this.note({ kind: 'restore', user, userPrincipalName: change.userPrincipalName, password: change.temporaryPassword ?? '' });
        return done;
      },
      purgeUser: async (tx, userId, cutoff) => {
        const user = await this.user(tx, userId);
        const done = await inner.purgeUser(tx, userId, cutoff);
        if (done) this.note({ kind: 'purge', user });
        return done;
      },
      assignLicenses: async (tx, tenantId, skuId, grants, at) => {
        const users = await Promise.all(grants.map((g) => this.user(tx, g.userId)));
        await inner.assignLicenses(tx, tenantId, skuId, grants, at);
        grants.forEach((grant, i) => this.license(users[i]!, { add: { skuId, disabledPlans: [...grant.disabledPlans] } }));
      },
      unassignLicenses: async (tx, tenantId, skuId, userIds) => {
        const users = await Promise.all(userIds.map((id) => this.user(tx, id)));
        const held = await inner.unassignLicenses(tx, tenantId, skuId, userIds);
        for (const user of users) this.license(user, { remove: skuId });
        return held;
      },
      setDisabledPlans: async (tx, userId, skuId, disabledPlans) => {
        const user = await this.user(tx, userId);
        await inner.setDisabledPlans(tx, userId, skuId, disabledPlans);
        this.license(user, { add: { skuId, disabledPlans: [...disabledPlans] } });
      },
      // What follows from licenses in Roster's tables only: the tenant works it out itself.
      setMailbox: (tx, userId, change, at) => inner.setMailbox(tx, userId, change, at),
      endMailboxGrace: (tx, userId, now) => inner.endMailboxGrace(tx, userId, now),
    };
  }

  /** A user as changes name them; in a `record` run, refused with the tenant's words when it refused their change. */
  private async user(tx: Db, userId: string): Promise<ChangedUser> {
    const madeKey = [...this.made].find(([, id]) => id === userId)?.[0];
    let user: ChangedUser;
    if (madeKey) user = { key: madeKey, externalId: this.verdicts?.get(madeKey)?.externalId ?? null, userPrincipalName: madeKey.slice(4) };
    else {
      const found = (await tenantObjectsOf(tx, [userId])).get(userId);
      user = { key: `id:${userId}`, externalId: found?.externalId ?? null, userPrincipalName: found?.userPrincipalName ?? userId };
    }
    this.admit(user.key);
    return user;
  }

  /** In a `record` run: the user's object id in the tenant, or the refusal of a user the tenant refused or never heard of. */
  private admit(key: string): string | null {
    if (!this.verdicts) return null;
    const verdict = this.verdicts.get(key);
    if (verdict?.refused) {
      this.refusal = new CoreFailure(verdict.refused.problem);
      throw this.refusal;
    }
    if (!verdict) {
      this.unheard = true;
      throw new CoreFailure(fail('conflict', CONNECTED_CHANGED_MEANWHILE));
    }
    return verdict.externalId;
  }

  /** A new manager as the tenant names them (their object id), or null when the manager does not change. */
  private async managerChange(tx: Db, userId: string, managerId: string | null): Promise<{ externalId: string | null } | null> {
    const now = await tx.selectFrom('DirectoryUser').select('managerId').where('id', '=', userId).executeTakeFirst();
    if ((now?.managerId ?? null) === managerId) return null;
    if (!managerId) return { externalId: null };
    const externalId = (await tenantObjectsOf(tx, [managerId])).get(managerId)?.externalId ?? null;
    // Every user of a connected organization is a tenant object; one who is not was made a moment ago and not yet read back.
    if (!externalId) throw new CoreFailure(fail('conflict', CONNECTED_CHANGED_MEANWHILE));
    return { externalId };
  }

  private note(change: DirectoryChange): void {
    const kinds = this.byKey.get(change.user.key) ?? new Map<ChangeKind, DirectoryChange>();
    kinds.set(change.kind, change);
    this.byKey.set(change.user.key, kinds);
  }

  /** One license call merged into the user's one `licenses` change (a product given back after being taken is kept, with its apps). */
  private license(user: ChangedUser, call: { add: LicenseGrant } | { remove: string }): void {
    const before = this.byKey.get(user.key)?.get('licenses');
    const add = new Map((before?.kind === 'licenses' ? before.add : []).map((g) => [g.skuId, g]));
    const remove = new Set(before?.kind === 'licenses' ? before.remove : []);
    if ('add' in call) {
      remove.delete(call.add.skuId);
      add.set(call.add.skuId, call.add);
    } else {
      add.delete(call.remove);
      remove.add(call.remove);
    }
    this.note({ kind: 'licenses', user, add: [...add.values()], remove: [...remove] });
  }
}

/** Of an edit's changes, what differs from the user as stored (an edit names their whole profile). */
async function changedProperties(tx: Db, userId: string, changes: UserFieldChanges): Promise<TenantUserChanges> {
  const now = await tenantFieldsOf(tx, userId);
  const differ: TenantUserChanges = {};
  if (changes.displayName !== undefined && changes.displayName !== now?.displayName) differ.displayName = changes.displayName;
  if (changes.profile) {
    const profile: NonNullable<TenantUserChanges['profile']> = {};
    for (const field of PROFILE_FIELD_NAMES) {
      if (field === 'displayName') continue;
      const after = changes.profile[field] ?? null;
      if (after !== (now?.profile[field] ?? null)) profile[field] = after;
    }
    if (Object.keys(profile).length > 0) differ.profile = profile;
  }
  if (changes.alternateEmail !== undefined && changes.alternateEmail !== now?.alternateEmail) differ.alternateEmail = changes.alternateEmail;
  if (changes.usageLocation !== undefined && changes.usageLocation !== now?.usageLocation) differ.usageLocation = changes.usageLocation;
  if (changes.accountEnabled !== undefined) differ.accountEnabled = changes.accountEnabled;
  if (changes.username) differ.userPrincipalName = changes.username.userPrincipalName;
  return differ;
}

function newTenantUser(user: NewDirectoryUser): NewTenantUser {
  return {
    userPrincipalName: user.userPrincipalName,
    alias: user.alias,
    displayName: user.displayName,
    profile: user.profile,
    alternateEmail: user.alternateEmail,
    usageLocation: user.usageLocation,
    accountEnabled: user.accountEnabled,
  };
}

function withExternalId(user: NewDirectoryUser, externalId: string | null): NewDirectoryUser {
  return externalId ? { ...user, externalId } : user;
}
