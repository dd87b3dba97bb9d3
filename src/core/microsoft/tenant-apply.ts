import type { GraphClient } from '../../graph/graph-client.js';
import { GraphError } from '../../graph/graph-error.js';
import type { DirectoryChange } from '../directory/directory-change.js';
import type { ApplyOptions, TenantVerdict } from '../directory/remote-directory.js';
import { requestsFor } from './tenant-requests.js';
import { tenantProblem } from './tenant-words.js';

/**
 * One user's changes sent to the tenant request by request (the JSON batches of tenant-batches.ts
 * fall back on it for what needs waiting or a second look), and what happens when one is refused.
 */

/** Graph's problems that are no verdict on the change itself: it may have been made or not. */
const UNANSWERED = new Set<string>(['unreachable', 'throttled', 'wrong_secret', 'expired_secret', 'unknown_tenant', 'unknown_client']);

/** A user made this long before the run that asked was recorded may still be its own (clocks differ). */
const CLOCK_SKEW_MS = 2 * 60_000;

/** Whether the user was made or restored by these changes (a request about them may meet a replica that does not show them yet). */
export function madeHere(verdict: TenantVerdict): boolean {
  return verdict.applied.some((c) => c.kind === 'create' || c.kind === 'invite' || c.kind === 'restore');
}

/** Where a request about the user goes: their object id, or, for one made in the same JSON batch, their username. */
export function userPath(change: DirectoryChange, verdict: TenantVerdict): string | null {
  return verdict.externalId ?? (madeHere(verdict) || change.kind === 'create' ? change.user.userPrincipalName : null);
}

/** Sends the user's changes from `from`, one request at a time; stops at the first refusal (and undoes a user made here, unless kept). */
export async function applyAlone(
  client: GraphClient,
  changes: readonly DirectoryChange[],
  verdict: TenantVerdict,
  tenantName: string,
  options: ApplyOptions,
  from = 0,
): Promise<void> {
  for (const change of changes.slice(from)) {
    try {
      await send(client, change, verdict);
    } catch (error) {
      if (await recognizedAsMadeBefore(client, error, change, verdict, options)) continue;
      await refuse(client, error, change, verdict, tenantName, options);
      return;
    }
  }
}

/** The tenant refused `change`: its words kept with the user, the rest of their changes not sent, a user made here removed again (unless kept). */
export async function refuse(
  client: GraphClient,
  error: unknown,
  change: DirectoryChange,
  verdict: TenantVerdict,
  tenantName: string,
  options: ApplyOptions,
): Promise<void> {
  const unanswered = error instanceof GraphError && UNANSWERED.has(error.kind);
  verdict.refused = { change, problem: tenantProblem(error, change, tenantName), ...(unanswered ? { unanswered } : {}) };
  if (!options.keepMadeUsers && !unanswered) await undoCreation(client, verdict);
}

async function send(client: GraphClient, change: DirectoryChange, verdict: TenantVerdict): Promise<void> {
  const justCreated = madeHere(verdict);
  if (change.kind !== 'create' && change.kind !== 'invite' && !verdict.externalId)
    throw new GraphError('not_found', `${change.user.userPrincipalName} has no object in the tenant`, { status: 404 });
  const requests = requestsFor(change, verdict.externalId);
  for (const [i, request] of requests.entries()) {
    const answer = await client.send<{ id?: string; invitedUser?: { id?: string } } | null>(request.method, request.url, request.body, {
      justCreated: justCreated || i > 0,
    });
    noteAnswer(change, verdict, answer, i);
  }
}

/** What an accepted request tells of the user: the object id of one made; a change accepted once its last request (a restore: its first) is. */
export function noteAnswer(change: DirectoryChange, verdict: TenantVerdict, answer: unknown, index: number, last = true): void {
  const body = (answer ?? {}) as { id?: unknown; invitedUser?: { id?: unknown } };
  if (change.kind === 'create' && typeof body.id === 'string') verdict.externalId = body.id;
  if (change.kind === 'invite' && typeof body.invitedUser?.id === 'string') verdict.externalId = body.invitedUser.id;
  // A restore is in the tenant once restored, whatever its new password's fate.
  if (change.kind === 'restore' ? index === 0 : last) verdict.applied.push(change);
}

/**
 * An import run that was interrupted after asking for users may ask again: a username the tenant
 * already holds, from a user made since that run asked, is that run's own (it is taken as made, and
 * given this run's password). Anything else taken is a conflict.
 */
async function recognizedAsMadeBefore(
  client: GraphClient,
  error: unknown,
  change: DirectoryChange,
  verdict: TenantVerdict,
  options: ApplyOptions,
): Promise<boolean> {
  if (change.kind !== 'create' || !(error instanceof GraphError) || error.details.status !== 400) return false;
  if (error.details.innerCode !== 'ObjectConflict' && !/same value for property userPrincipalName/i.test(error.details.said ?? '')) return false;
  const asked = options.madeBefore?.get(change.user.userPrincipalName.toLowerCase());
  if (!asked) return false;
  const found = await client.send<{
    id: string;
    createdDateTime?: string | null;
    displayName?: string | null;
    givenName?: string | null;
    surname?: string | null;
  }>('GET', `/users/${encodeURIComponent(change.user.userPrincipalName)}?$select=id,createdDateTime,displayName,givenName,surname`);
  const made = found.createdDateTime ? Date.parse(found.createdDateTime) : Number.NaN;
  if (Number.isNaN(made) || made < asked.getTime() - CLOCK_SKEW_MS) return false;
  // Made since, and as asked: the same names (someone who made that username in the admin center meanwhile named it their way).
  const { fields } = change;
  if (
    found.displayName !== fields.displayName ||
    (found.givenName ?? null) !== (fields.profile.firstName ?? null) ||
    (found.surname ?? null) !== (fields.profile.lastName ?? null)
  )
    return false;
  verdict.externalId = found.id;
  await client.send('PATCH', `/users/${encodeURIComponent(found.id)}`, {
    passwordProfile: { password: change.password, forceChangePasswordNextSignIn: change.forceChangePassword },
  });
  verdict.applied.push(change);
  return true;
}

/**
 * A user made by these changes whose next change was refused is removed again for good (deleted,
 * then deleted from the deleted items), so the refusal leaves the tenant as it was. When that fails,
 * the user stays made, and the mirror reads them back.
 */
export async function undoCreation(client: GraphClient, verdict: TenantVerdict): Promise<void> {
  const made = verdict.applied[0];
  if (!verdict.externalId || !made || (made.kind !== 'create' && made.kind !== 'invite')) return;
  try {
    const id = encodeURIComponent(verdict.externalId);
    await client.send('DELETE', `/users/${id}`, undefined, { justCreated: true });
    await client.send('DELETE', `/directory/deletedItems/${id}`, undefined, { justCreated: true });
    verdict.applied = [];
    verdict.externalId = null;
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
  }
}

/** Is the answer one the request may get again later: throttled throughout, or (a user just made) not visible yet. */
export function isRecoverable(status: number, verdict: TenantVerdict): boolean {
  return status === 404 && madeHere(verdict);
}
