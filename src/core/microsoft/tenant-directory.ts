import type { GraphClient } from '../../graph/graph-client.js';
import { GraphError } from '../../graph/graph-error.js';
import { USER_SELECT, type GraphUser } from '../../graph/graph-types.js';
import type { MirrorChange } from '../../domain/mirror.js';
import { connectionOf } from '../../store/directory-connections.js';
import type { CoreContext } from '../context.js';
import type { DirectoryChange } from '../directory/directory-change.js';
import type { RemoteDirectory, TenantVerdict } from '../directory/remote-directory.js';
import { fail, ok, type Result } from '../result.js';
import { openClientSecret } from './connection-secret.js';
import { mirrorChange } from './mirror-user.js';
import { requestsFor } from './tenant-requests.js';
import { tenantProblem } from './tenant-words.js';

/** The connected tenant of an organization, to send it changes: its client, signed in with the sealed secret. */
export async function tenantDirectory(ctx: CoreContext, tenantId: string): Promise<Result<{ directory: RemoteDirectory }>> {
  const connection = await connectionOf(ctx.db, tenantId);
  if (connection?.status !== 'connected')
    return fail('conflict', 'This organization was disconnected from Microsoft 365 a moment ago: nothing was changed. Try again.');
  const secret = ctx.secretKey ? openClientSecret(ctx.secretKey(), tenantId, connection.clientId, connection.sealedSecret) : null;
  if (secret === null)
    return fail(
      'conflict',
      `Roster cannot open the client secret of ${connection.displayName} with its current key (was ROSTER_SECRET_KEY or the key file changed?): nothing was changed. A Global admin disconnects and connects again with the secret.`,
    );
  const client = ctx.graph.client(tenantId, { tenant: connection.microsoftTenant, clientId: connection.clientId, clientSecret: secret });
  return ok({ directory: graphDirectory(client, connection.displayName) });
}

/** A connected tenant over Microsoft Graph: changes sent one request at a time, each user's in order. */
export function graphDirectory(client: GraphClient, tenantName: string): RemoteDirectory {
  return {
    tenantName,
    async apply(changes) {
      const verdicts = new Map<string, TenantVerdict>();
      for (const change of changes) {
        const verdict = verdicts.get(change.user.key) ?? { key: change.user.key, externalId: change.user.externalId, applied: [], refused: null };
        verdicts.set(change.user.key, verdict);
        if (verdict.refused) continue;
        try {
          await send(client, change, verdict);
        } catch (error) {
          verdict.refused = { change, problem: tenantProblem(error, change, tenantName) };
          await undoCreation(client, verdict);
        }
      }
      return verdicts;
    },
    async read(externalIds) {
      const read: MirrorChange[] = [];
      for (const id of externalIds) read.push(await readUser(client, id));
      return read;
    },
  };
}

/** Sends one change; a change of a user made or restored a moment ago is retried while the user is not visible yet. */
async function send(client: GraphClient, change: DirectoryChange, verdict: TenantVerdict): Promise<void> {
  const justCreated = verdict.applied.some((c) => c.kind === 'create' || c.kind === 'invite' || c.kind === 'restore');
  if (change.kind !== 'create' && change.kind !== 'invite' && !verdict.externalId)
    throw new GraphError('not_found', `${change.user.userPrincipalName} has no object in the tenant`, { status: 404 });
  const requests = requestsFor(change, verdict.externalId);
  for (const [i, request] of requests.entries()) {
    const answer = await client.send<{ id?: string; invitedUser?: { id?: string } } | null>(request.method, request.url, request.body, {
      justCreated: justCreated || i > 0,
    });
    if (change.kind === 'create') verdict.externalId = answer?.id ?? null;
    if (change.kind === 'invite') verdict.externalId = answer?.invitedUser?.id ?? null;
    // A restore is in the tenant once restored, whatever its new password's fate.
    if (i === 0 && change.kind === 'restore') verdict.applied.push(change);
  }
  if (change.kind !== 'restore') verdict.applied.push(change);
}

/**
 * A user made by these changes whose next change was refused is removed again for good (deleted,
 * then deleted from the deleted items), so the refusal leaves the tenant as it was. When that fails,
 * the user stays made, and the mirror reads them back.
 */
async function undoCreation(client: GraphClient, verdict: TenantVerdict): Promise<void> {
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

/** A user as the tenant has them now: active, deleted (restorable), or gone for good. */
async function readUser(client: GraphClient, externalId: string): Promise<MirrorChange> {
  const id = encodeURIComponent(externalId);
  try {
    return mirrorChange(await client.send<GraphUser>('GET', `/users/${id}?$select=${USER_SELECT.join(',')}`, undefined, { justCreated: true }));
  } catch (error) {
    if (!(error instanceof GraphError) || error.kind !== 'not_found') throw error;
  }
  try {
    await client.send('GET', `/directory/deletedItems/${id}?$select=id`);
    return { kind: 'deleted', externalId };
  } catch (error) {
    if (!(error instanceof GraphError) || error.kind !== 'not_found') throw error;
    return { kind: 'purged', externalId };
  }
}
