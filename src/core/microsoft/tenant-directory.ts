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
import { applyAlone } from './tenant-apply.js';
import { applyInBatches } from './tenant-batches.js';

/** The connected tenant of an organization, to send it changes: its client, signed in with the sealed secret. */
export async function tenantDirectory(ctx: CoreContext, tenantId: string): Promise<Result<{ directory: RemoteDirectory }>> {
  const reached = await tenantClient(ctx, tenantId);
  if (!reached.ok) return reached;
  return ok({ directory: graphDirectory(reached.client, reached.tenantName) });
}

/** The Graph client of an organization's connected tenant (signed in with the sealed secret), and the tenant's name. */
export async function tenantClient(ctx: CoreContext, tenantId: string): Promise<Result<{ client: GraphClient; tenantName: string }>> {
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
  return ok({ client, tenantName: connection.displayName });
}

/** A connected tenant over Microsoft Graph: one user's changes request by request, many users' in JSON batches. */
export function graphDirectory(client: GraphClient, tenantName: string): RemoteDirectory {
  return {
    tenantName,
    async apply(changes, options = {}) {
      const users = new Map<string, { verdict: TenantVerdict; changes: DirectoryChange[] }>();
      for (const change of changes) {
        const user = users.get(change.user.key) ?? {
          verdict: { key: change.user.key, externalId: change.user.externalId, applied: [], refused: null },
          changes: [],
        };
        user.changes.push(change);
        users.set(change.user.key, user);
      }
      if (users.size > 1) await applyInBatches(client, [...users.values()], tenantName, options);
      else for (const user of users.values()) await applyAlone(client, user.changes, user.verdict, tenantName, options);
      return new Map([...users].map(([key, user]) => [key, user.verdict]));
    },
    async read(externalIds) {
      const read: MirrorChange[] = [];
      for (const id of externalIds) read.push(await readUser(client, id));
      return read;
    },
  };
}

/** A user as the tenant has them now: active, deleted (restorable), or gone for good. */
async function readUser(client: GraphClient, externalId: string): Promise<MirrorChange> {
  const id = encodeURIComponent(externalId);
  try {
    const user = await client.send<GraphUser>('GET', `/users/${id}?$select=${USER_SELECT.join(',')}&$expand=manager($select=id)`, undefined, {
      justCreated: true,
    });
    // Graph leaves `manager` out when there is none.
    return mirrorChange({ manager: null, ...user });
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
