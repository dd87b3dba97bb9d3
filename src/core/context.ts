import { z } from 'zod';
import type { Db } from '../store/database.js';
import type { GraphConnector } from '../graph/graph-connector.js';
import type { DirectoryMirror } from './directory/directory-mirror.js';
import type { DirectoryProvider } from './directory/directory-provider.js';
import { ROLE_IDS, type Role } from './roles.js';

/** What every use case runs against. A CLI, a test or the Slack app builds one the same way. */
export interface CoreContext {
  /** The typed data layer (src/store/): what the core reads, and everything it writes but the directory. */
  db: Db;
  /** The user directory: every change to a user or a license goes through it (core/directory). */
  directory: DirectoryProvider;
  /** Where a connected tenant's sync records what it read (core/microsoft): Roster's tables as its mirror. */
  mirror: DirectoryMirror;
  /** Microsoft Graph on the configured endpoints (MICROSOFT_GRAPH_URL, MICROSOFT_LOGIN_URL): a client per connected organization. */
  graph: GraphConnector;
  now: () => Date;
  /** The key that seals secrets (a connected tenant's client secret is opened with it to send it changes). */
  secretKey?: () => Buffer;
  /** This process, as the owner of the import jobs it runs (see bulk/import-ownership.ts). */
  instanceId: string;
  /**
   * The change feed (core/changes/change-feed.ts): told after every change is stored; it records
   * the change for every process and tells this one's subscribers (the App Home refresher).
   */
  changes?: { record(change: Change): void };
  /** Told when a job was queued by this process (core/jobs), so that its runner looks at once. */
  jobQueued?: (runAt: Date) => void;
  /**
   * Long writers (an import) await this between their transactions: it lets the database catch up
   * (copy its write-ahead log into the file, off the event loop) when it has fallen behind.
   */
  settleWrites?: () => Promise<void>;
}

/** What changed in an organization, reported by the core after the change is stored. */
export interface Change {
  tenantId: string;
  /** The organization's Slack workspace. */
  teamId: string;
  what: 'organization' | 'users' | 'licenses' | 'import';
  /** Who made the change, when a Slack member did. */
  bySlackMember: string | null;
}

/** A Slack member of a workspace. Their roles come from the directory user linked to them, not from Slack. */
export interface MemberActor {
  teamId: string;
  slackUserId: string;
}

/**
 * A person at the server's command line (`npm run roster`), named in the audit as `cli:<name>`.
 * They act with the roles the command line gives them explicitly, checked like anyone's.
 */
export interface OperatorActor {
  teamId: string;
  operator: string;
  roles: readonly Role[];
}

/** Who is asking. */
export type Actor = MemberActor | OperatorActor;

export function isOperator(actor: Actor): actor is OperatorActor {
  return 'operator' in actor;
}

/** How the audit and job records name the actor: a Slack member id, or `cli:<name>`. */
export function actorId(actor: Actor): string {
  return isOperator(actor) ? `cli:${actor.operator}` : actor.slackUserId;
}

/** The Slack member behind the actor, if any (operators have none: nothing is sent to them in Slack). */
export function actorSlackMember(actor: Actor): string | null {
  return isOperator(actor) ? null : actor.slackUserId;
}

export function reportChange(ctx: CoreContext, tenant: { id: string; slackTeamId: string }, what: Change['what'], by: Actor | string | null = null): void {
  const bySlackMember = by === null ? null : typeof by === 'string' ? (by.startsWith('cli:') ? null : by) : actorSlackMember(by);
  ctx.changes?.record({ tenantId: tenant.id, teamId: tenant.slackTeamId, what, bySlackMember });
}

/** An actor as a job's payload stores it (read back with this schema). */
export const actorSchema: z.ZodType<Actor> = z.union([
  z.object({ teamId: z.string(), slackUserId: z.string() }),
  z.object({ teamId: z.string(), operator: z.string(), roles: z.array(z.enum(ROLE_IDS as [Role, ...Role[]])) }),
]);
