import type { Db } from '../../store/database.js';
import type { Role } from '../../domain/roles.js';
import type { MirroredSignIn } from '../../store/directory-mirror-signins.js';
import type { MirrorChange, MirrorCounts, MirroredDomain, MirroredProduct } from '../../domain/mirror.js';

/**
 * How the core records what a connected tenant says (core/microsoft's sync): its users, their
 * licenses, its products with their seat counts and its domains, written into Roster's tables,
 * which are then the tenant's mirror. Implemented by src/directory/microsoft-mirror.ts, the one
 * place besides the directory provider that writes users and licenses. Every method runs in the
 * sync's transaction `tx`.
 */
export interface DirectoryMirror {
  /** One page of user changes (a few hundred at most). */
  applyUsers(tx: Db, tenantId: string, changes: readonly MirrorChange[], at: Date): Promise<MirrorCounts>;
  /** After a full read: up to `limit` users it did not read since `since` are deleted; how many. */
  removeUsersNotReadSince(tx: Db, tenantId: string, since: Date, limit: number, at: Date): Promise<number>;
  /**
   * The tenant's products become the seat pools (total: enabled prepaid units; assigned: consumed
   * units); a product this takes below its seat alert threshold has its alert queued.
   */
  setProducts(tx: Db, tenantId: string, products: readonly MirroredProduct[], at: Date): Promise<void>;
  /** The tenant's domains become the organization's. */
  setDomains(tx: Db, tenantId: string, domains: readonly MirroredDomain[], at: Date): Promise<void>;
  /** The users the tenant has hold exactly their Entra roles, by object id, as Roster's roles; how many assignments. */
  setRoles(tx: Db, tenantId: string, roles: ReadonlyMap<string, readonly Role[]>, at: Date): Promise<number>;
  /** One page of the tenant's sign-in activity: each user's last sign-in (null: never), read at `at`; how many users it set. */
  setSignIns(tx: Db, tenantId: string, signIns: readonly MirroredSignIn[], at: Date): Promise<number>;
  /** Each user is the Slack member given (null: nobody): what their roles let that member do in Roster. */
  linkMembers(tx: Db, links: readonly { userId: string; slackUserId: string | null }[], at: Date): Promise<void>;
}
