import { randomUUID } from 'node:crypto';
import type { GraphAssignedLicense, GraphDomain, GraphServicePlan, GraphUser } from '../../../src/graph/graph-types.js';

/**
 * The fake Graph's tenant: users, subscribed products and domains that tests seed and change as an
 * admin would in the Microsoft 365 admin center. Every change is numbered (`seq`) and remembered
 * per user with the properties it touched, so a delta query can say exactly what changed since a
 * token: new and restored users in full, changed ones with only what changed, removed ones as
 * `@removed` ("changed": deleted, restorable; "deleted": gone for good).
 */

/** Every property a fake user has (Graph's names); `id` is given by the tenant. */
export type FakeUserFields = Omit<GraphUser, 'id' | '@removed'>;

export interface FakeUser {
  user: GraphUser;
  createdSeq: number;
  /** Set while the user is deleted (restorable); the seq of the deletion. */
  deletedSeq: number | null;
  /** Gone for good. */
  purgedSeq: number | null;
  /** Every change after creation: its seq, what it touched ('*' for a restore: everything). */
  changes: { seq: number; props: string[]; previousManager?: string }[];
  /** When Graph's replicas see the user (ms since the epoch): before then a read of them answers 404 (see FakeGraph.setVisibilityDelay). */
  visibleAt: number;
  /** The object id of their manager (Graph's `manager` navigation property: not a property of the user, read with $expand or delta's `manager@delta`). */
  managerId: string | null;
}

/** Graph's signInActivity of a user (ISO dates; a kind of sign-in never made is null). */
export interface FakeSignInActivity {
  lastSignInDateTime: string | null;
  lastNonInteractiveSignInDateTime: string | null;
  lastSuccessfulSignInDateTime: string | null;
}

export interface FakeSku {
  skuId: string;
  skuPartNumber: string;
  enabled: number;
  capabilityStatus: string;
  servicePlans: GraphServicePlan[];
}

const EMPTY_USER: FakeUserFields = {
  userPrincipalName: '',
  displayName: '',
  givenName: null,
  surname: null,
  jobTitle: null,
  department: null,
  officeLocation: null,
  businessPhones: [],
  mobilePhone: null,
  faxNumber: null,
  otherMails: [],
  mail: null,
  streetAddress: null,
  city: null,
  state: null,
  postalCode: null,
  country: null,
  usageLocation: null,
  accountEnabled: true,
  userType: 'Member',
  onPremisesSyncEnabled: null,
  assignedLicenses: [],
  createdDateTime: null,
  lastPasswordChangeDateTime: null,
};

export class FakeTenant {
  readonly id: string;
  displayName: string;
  readonly domains: GraphDomain[];
  readonly skus = new Map<string, FakeSku>();
  /** Users in creation order (ids), for stable paging. */
  readonly order: string[] = [];
  readonly users = new Map<string, FakeUser>();
  private readonly byUpn = new Map<string, string>();
  seq = 0;
  /** Families of service plan ids of which a user may hold only one (assignLicense's MutuallyExclusiveViolation). */
  readonly exclusivePlans: string[][] = [];
  /** Service plans that need one of other plans (assignLicense's DependencyViolation), by plan id. */
  readonly planNeeds = new Map<string, string[]>();
  /** How long a user made or restored through Graph stays invisible to reads (ms). */
  visibilityDelayMs = 0;
  /**
   * Whether the tenant has Microsoft Entra ID P1 or P2: without it Graph refuses signInActivity
   * (403 Authentication_RequestFromNonPremiumTenantOrB2CTenant) even to an app with AuditLog.Read.All.
   */
  premium = true;
  /** Users' sign-in activity by id (Graph's signInActivity); a user without one never signed in (Graph answers null). */
  readonly signIns = new Map<string, FakeSignInActivity>();
  /** Microsoft Entra role assignments: the user (principalId), the role (its template id) and the scope ('/': the whole tenant). */
  readonly roleAssignments: { id: string; principalId: string; roleDefinitionId: string; directoryScopeId: string }[] = [];

  constructor(options: { id?: string; displayName?: string; initialDomain?: string } = {}) {
    this.id = options.id ?? randomUUID();
    this.displayName = options.displayName ?? 'Contoso Ltd';
    this.domains = [{ id: options.initialDomain ?? 'contoso.onmicrosoft.com', isInitial: true, isDefault: true, isVerified: true }];
  }

  get initialDomain(): string {
    return this.domains.find((d) => d.isInitial)!.id;
  }

  /** Whether `name` (a GUID or a domain) is this tenant, as the sign-in service resolves it. */
  isNamed(name: string): boolean {
    const lower = name.toLowerCase();
    return lower === this.id || this.domains.some((d) => d.isVerified && d.id === lower);
  }

  addDomain(name: string, options: { isDefault?: boolean; isVerified?: boolean } = {}): void {
    if (options.isDefault) for (const domain of this.domains) domain.isDefault = false;
    this.domains.push({ id: name.toLowerCase(), isInitial: false, isDefault: options.isDefault ?? false, isVerified: options.isVerified ?? true });
  }

  addSku(sku: { skuId: string; skuPartNumber: string; enabled: number; capabilityStatus?: string; servicePlans?: GraphServicePlan[] }): void {
    this.skus.set(sku.skuId, { capabilityStatus: 'Enabled', servicePlans: [], ...sku });
  }

  /** Licenses of the product held by users who are not deleted (what Graph calls consumedUnits). */
  consumedUnits(skuId: string): number {
    let n = 0;
    for (const state of this.users.values())
      if (state.deletedSeq === null && state.purgedSeq === null && state.user.assignedLicenses?.some((l) => l.skuId === skuId)) n += 1;
    return n;
  }

  addUser(fields: Partial<FakeUserFields> & { userPrincipalName: string }): GraphUser {
    const key = fields.userPrincipalName.toLowerCase();
    if (this.byUpn.has(key)) throw new Error(`fake tenant: ${fields.userPrincipalName} exists`);
    const seq = ++this.seq;
    const user: GraphUser = {
      id: randomUUID(),
      ...EMPTY_USER,
      displayName: fields.displayName ?? fields.userPrincipalName.split('@')[0]!,
      createdDateTime: new Date().toISOString(),
      ...fields,
    };
    this.users.set(user.id, { user, createdSeq: seq, deletedSeq: null, purgedSeq: null, changes: [], visibleAt: 0, managerId: null });
    this.order.push(user.id);
    this.byUpn.set(key, user.id);
    return user;
  }

  /** Many users at once (`ana1@…` … `anaN@…`), for large tenants. */
  seedUsers(count: number, options: { prefix?: string; domain?: string; license?: GraphAssignedLicense; usageLocation?: string } = {}): void {
    const prefix = options.prefix ?? 'user';
    const domain = options.domain ?? this.initialDomain;
    for (let i = 1; i <= count; i++) {
      this.addUser({
        userPrincipalName: `${prefix}${i}@${domain}`,
        displayName: `${prefix[0]!.toUpperCase()}${prefix.slice(1)} ${i}`,
        givenName: prefix,
        surname: String(i),
        department: i % 3 === 0 ? 'Sales' : 'Engineering',
        usageLocation: options.usageLocation ?? 'NL',
        assignedLicenses: options.license ? [options.license] : [],
      });
    }
  }

  /** Assigns an Entra role (by template id) to a user, tenant-wide unless `scope` (an administrative unit's). */
  assignRole(idOrUpn: string, roleDefinitionId: string, scope = '/'): void {
    this.roleAssignments.push({ id: randomUUID(), principalId: this.must(idOrUpn).user.id, roleDefinitionId, directoryScopeId: scope });
  }

  /** Removes a user's assignments of a role. */
  unassignRole(idOrUpn: string, roleDefinitionId: string): void {
    const id = this.must(idOrUpn).user.id;
    for (let i = this.roleAssignments.length - 1; i >= 0; i--)
      if (this.roleAssignments[i]!.principalId === id && this.roleAssignments[i]!.roleDefinitionId === roleDefinitionId) this.roleAssignments.splice(i, 1);
  }

  /** The active user holding this username (any case), if any. */
  holderOf(userPrincipalName: string): FakeUser | undefined {
    const id = this.byUpn.get(userPrincipalName.toLowerCase());
    const state = id ? this.users.get(id) : undefined;
    return state && state.deletedSeq === null && state.purgedSeq === null ? state : undefined;
  }

  /** A user by id or username (deleted ones included, not purged). */
  /** The user signed in at `at` (interactive unless said; a failed one changes only lastSignInDateTime), as Entra's sign-in logs record it. */
  signIn(idOrUpn: string, at: Date, options: { interactive?: boolean; failed?: boolean } = {}): void {
    const state = this.find(idOrUpn);
    if (!state) throw new Error(`fake tenant: no user ${idOrUpn}`);
    const before = this.signIns.get(state.user.id) ?? { lastSignInDateTime: null, lastNonInteractiveSignInDateTime: null, lastSuccessfulSignInDateTime: null };
    const iso = at.toISOString();
    this.signIns.set(state.user.id, {
      lastSignInDateTime: options.interactive === false ? before.lastSignInDateTime : iso,
      lastNonInteractiveSignInDateTime: options.interactive === false ? iso : before.lastNonInteractiveSignInDateTime,
      lastSuccessfulSignInDateTime: options.failed ? before.lastSuccessfulSignInDateTime : iso,
    });
  }

  find(idOrUpn: string): FakeUser | undefined {
    const id = this.users.has(idOrUpn) ? idOrUpn : this.byUpn.get(idOrUpn.toLowerCase());
    const state = id ? this.users.get(id) : undefined;
    return state && state.purgedSeq === null ? state : undefined;
  }

  private must(idOrUpn: string): FakeUser {
    const state = this.find(idOrUpn);
    if (!state) throw new Error(`fake tenant: no user ${idOrUpn}`);
    return state;
  }

  /** An admin-center edit: only the properties given change. */
  updateUser(idOrUpn: string, changes: Partial<FakeUserFields>): GraphUser {
    const state = this.must(idOrUpn);
    if (changes.userPrincipalName && changes.userPrincipalName.toLowerCase() !== state.user.userPrincipalName?.toLowerCase()) {
      this.byUpn.delete(state.user.userPrincipalName!.toLowerCase());
      this.byUpn.set(changes.userPrincipalName.toLowerCase(), state.user.id);
    }
    Object.assign(state.user, changes);
    state.changes.push({ seq: ++this.seq, props: Object.keys(changes) });
    return state.user;
  }

  /** An admin-center change of the user's manager (null removes it); a delta round reports it as `manager@delta`. */
  setManager(idOrUpn: string, managerIdOrUpn: string | null): void {
    const state = this.must(idOrUpn);
    const previous = state.managerId;
    state.managerId = managerIdOrUpn === null ? null : this.must(managerIdOrUpn).user.id;
    state.changes.push({ seq: ++this.seq, props: ['manager'], ...(previous ? { previousManager: previous } : {}) });
  }

  /** The user's manager's object id, or null. */
  managerOf(idOrUpn: string): string | null {
    return this.must(idOrUpn).managerId;
  }

  setLicenses(idOrUpn: string, licenses: GraphAssignedLicense[]): void {
    this.updateUser(idOrUpn, { assignedLicenses: licenses });
  }

  /** Deleted users (restorable for 30 days in Microsoft 365). */
  deleteUser(idOrUpn: string): void {
    const state = this.must(idOrUpn);
    state.deletedSeq = ++this.seq;
    state.changes.push({ seq: state.deletedSeq, props: ['@deleted'] });
    this.byUpn.delete(state.user.userPrincipalName!.toLowerCase());
  }

  /** Restores a deleted user, under `newUserPrincipalName` when given. */
  restoreUser(idOrUpn: string, newUserPrincipalName?: string): void {
    const state = [...this.users.values()].find((s) => s.user.id === idOrUpn || s.user.userPrincipalName?.toLowerCase() === idOrUpn.toLowerCase());
    if (!state || state.deletedSeq === null) throw new Error(`fake tenant: ${idOrUpn} is not deleted`);
    if (newUserPrincipalName) state.user.userPrincipalName = newUserPrincipalName;
    state.deletedSeq = null;
    state.changes.push({ seq: ++this.seq, props: ['*'] });
    this.byUpn.set(state.user.userPrincipalName!.toLowerCase(), state.user.id);
  }

  /** Gone for good (deleted permanently, or 30 days after a delete). */
  purgeUser(idOrUpn: string): void {
    const state = [...this.users.values()].find((s) => s.user.id === idOrUpn || s.user.userPrincipalName?.toLowerCase() === idOrUpn.toLowerCase());
    if (!state) throw new Error(`fake tenant: no user ${idOrUpn}`);
    this.byUpn.delete(state.user.userPrincipalName!.toLowerCase());
    state.purgedSeq = ++this.seq;
    state.changes.push({ seq: state.purgedSeq, props: ['@purged'] });
  }

  /** Users a plain list shows (not deleted), in creation order. */
  activeUsers(): GraphUser[] {
    return this.order
      .map((id) => this.users.get(id)!)
      .filter((s) => s.deletedSeq === null && s.purgedSeq === null)
      .map((s) => s.user);
  }
}
