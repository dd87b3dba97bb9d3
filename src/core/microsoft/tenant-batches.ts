import { graphError, MAX_BATCH, type BatchRequest, type BatchResponse, type GraphClient, type GraphErrorBody } from '../../graph/graph-client.js';
import type { DirectoryChange } from '../directory/directory-change.js';
import type { ApplyOptions, TenantVerdict } from '../directory/remote-directory.js';
import { applyAlone, isRecoverable, noteAnswer, refuse, userPath } from './tenant-apply.js';
import { requestsFor } from './tenant-requests.js';

/** JSON batches sent at once (each up to 20 requests): Graph's pace, not a flood (its throttling is per app and tenant). */
export const BATCHES_IN_FLIGHT = 4;

interface Chain {
  verdict: TenantVerdict;
  changes: DirectoryChange[];
  /** The batch's requests of this user, in order, with the change each belongs to and its place in it. */
  requests: { request: BatchRequest; change: number; part: number; parts: number }[];
}

/**
 * Many users' changes in JSON batches (at most 20 requests each, BATCHES_IN_FLIGHT at once): a
 * user's requests go in one batch, each depending on the one before (`dependsOn`: the license
 * after the creation), addressed by username until the tenant gave the user an object id. Graph
 * answers each request on its own: throttled ones are sent again after their Retry-After
 * (GraphClient.batch); a user made a moment ago whom a replica does not show yet (404), or one an
 * interrupted run may have made, is finished request by request (tenant-apply.ts).
 */
export async function applyInBatches(
  client: GraphClient,
  users: readonly { verdict: TenantVerdict; changes: DirectoryChange[] }[],
  tenantName: string,
  options: ApplyOptions,
): Promise<void> {
  const batches = pack(users.map((user, n) => chainOf(user.verdict, user.changes, n)));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      await sendBatch(client, batch, tenantName, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCHES_IN_FLIGHT, batches.length) }, worker));
}

function chainOf(verdict: TenantVerdict, changes: DirectoryChange[], n: number): Chain {
  const chain: Chain = { verdict, changes, requests: [] };
  // A user whose object id is not known yet (made by these changes) is named by username.
  const ghost: TenantVerdict = { ...verdict, applied: [] };
  changes.forEach((change, c) => {
    const path = userPath(change, ghost) ?? '';
    const requests = requestsFor(change, path);
    if (change.kind === 'create' || change.kind === 'invite' || change.kind === 'restore') ghost.applied.push(change);
    requests.forEach((request, part) => {
      const id = `${n}.${chain.requests.length}`;
      const previous = chain.requests.at(-1)?.request.id;
      chain.requests.push({ request: { id, ...request, ...(previous ? { dependsOn: [previous] } : {}) }, change: c, part, parts: requests.length });
    });
  });
  return chain;
}

/** Users' chains into batches of at most MAX_BATCH requests, a chain never split (its dependsOn stay within one batch). */
function pack(chains: Chain[]): Chain[][] {
  const batches: Chain[][] = [];
  let current: Chain[] = [];
  let size = 0;
  for (const chain of chains) {
    if (size + chain.requests.length > MAX_BATCH && current.length > 0) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(chain);
    size += chain.requests.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

async function sendBatch(client: GraphClient, chains: Chain[], tenantName: string, options: ApplyOptions): Promise<void> {
  let answers: BatchResponse[];
  try {
    answers = await client.batch(chains.flatMap((chain) => chain.requests.map((r) => r.request)));
  } catch (error) {
    // The batch itself failed (the tenant could not be reached, the app signed out): each user is refused with why.
    for (const chain of chains) if (chain.changes[0]) await refuse(client, error, chain.changes[0], chain.verdict, tenantName, options);
    return;
  }
  const byId = new Map(answers.map((a) => [a.id, a]));
  for (const chain of chains) {
    for (const { request, change: c, part, parts } of chain.requests) {
      const answer = byId.get(request.id) ?? { id: request.id, status: 503 };
      const change = chain.changes[c]!;
      if (answer.status >= 200 && answer.status < 300) {
        noteAnswer(change, chain.verdict, answer.body, part, part === parts - 1);
        continue;
      }
      if (answer.status === 424) break;
      if (isRecoverable(answer.status, chain.verdict) || (change.kind === 'create' && options.madeBefore?.has(change.user.userPrincipalName.toLowerCase()))) {
        // Not visible yet, or perhaps made by an interrupted run: the rest of this user's changes one request at a time.
        if (part > 0 && !(await finishAlone(client, change, part, chain.verdict, tenantName, options))) break;
        await applyAlone(client, chain.changes, chain.verdict, tenantName, options, part === 0 ? c : c + 1);
        break;
      }
      const body = (answer.body ?? {}) as { error?: GraphErrorBody };
      const path = request.url.split('?')[0] ?? request.url;
      await refuse(
        client,
        graphError(answer.status, body.error, request.method, path, `${request.method} ${path}`, request.body),
        change,
        chain.verdict,
        tenantName,
        options,
      );
      break;
    }
  }
}

/** The requests of a change from `part` on, alone (a restored user's new password once a replica shows them); false when refused. */
async function finishAlone(
  client: GraphClient,
  change: DirectoryChange,
  part: number,
  verdict: TenantVerdict,
  tenantName: string,
  options: ApplyOptions,
): Promise<boolean> {
  const requests = requestsFor(change, verdict.externalId);
  try {
    for (const [i, request] of requests.entries()) {
      if (i < part) continue;
      const answer = await client.send(request.method, request.url, request.body, { justCreated: true });
      noteAnswer(change, verdict, answer, i, i === requests.length - 1);
    }
    return true;
  } catch (error) {
    await refuse(client, error, change, verdict, tenantName, options);
    return false;
  }
}
