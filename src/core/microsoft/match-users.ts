import type { GraphClient } from '../../graph/graph-client.js';
import { MAX_BATCH } from '../../graph/graph-client.js';
import { GraphError } from '../../graph/graph-error.js';
import { activeUsersAfter, type UserToMatch } from '../../store/directory-users.js';
import type { CoreContext } from '../context.js';

/** What connecting will do to the users of Roster's own directory. */
export interface UserMatch {
  /** Users of Roster's directory found in the tenant by username: they become those users (Slack link and roles kept). */
  matched: number;
  /** Users not found, left out: the first 50 of them (the count is `leftOutCount`). */
  leftOut: { userPrincipalName: string; displayName: string; isGlobalAdmin: boolean }[];
  leftOutCount: number;
  /** Global admins who can sign in among the users found: the organization keeps one. */
  globalAdminsKept: number;
  /** The Slack members whose own user is left out. */
  membersLeftOut: Set<string>;
  /** The tenant's object id of each Slack member's own user found there. */
  memberObjects: Map<string, string>;
}

/** Usernames a `$filter … in (…)` names at once (Graph's limit of values in one filter). */
const PER_FILTER = 15;
const SHOWN = 50;

const quote = (upn: string) => `'${upn.replace(/'/g, "''")}'`;

/**
 * Looks every active user of Roster's directory up in the tenant by username, 300 a round trip (a
 * JSON batch of 20 filters of 15 usernames), reading the directory 300 users at a time.
 */
export async function matchUsers(ctx: CoreContext, tenantId: string, client: GraphClient): Promise<UserMatch> {
  const match: UserMatch = { matched: 0, leftOut: [], leftOutCount: 0, globalAdminsKept: 0, membersLeftOut: new Set(), memberObjects: new Map() };
  let after = '';
  for (;;) {
    const users = await activeUsersAfter(ctx.db, tenantId, after, PER_FILTER * MAX_BATCH);
    if (users.length === 0) return match;
    after = users.at(-1)!.id;
    const found = await foundInTenant(client, users);
    for (const user of users) {
      const objectId = found.get(user.userPrincipalName.toLowerCase());
      if (objectId) {
        match.matched += 1;
        if (user.slackUserId) match.memberObjects.set(user.slackUserId, objectId);
        if (user.isGlobalAdmin && user.accountEnabled) match.globalAdminsKept += 1;
        continue;
      }
      match.leftOutCount += 1;
      if (match.leftOut.length < SHOWN)
        match.leftOut.push({ userPrincipalName: user.userPrincipalName, displayName: user.displayName, isGlobalAdmin: user.isGlobalAdmin });
      if (user.slackUserId) match.membersLeftOut.add(user.slackUserId);
    }
  }
}

/** The users found in the tenant: their object ids by lower-case username (at most 300 users: one JSON batch). */
export async function foundInTenant(client: GraphClient, users: readonly Pick<UserToMatch, 'userPrincipalName'>[]): Promise<Map<string, string>> {
  const requests = [];
  for (let i = 0; i < users.length; i += PER_FILTER) {
    const names = users.slice(i, i + PER_FILTER).map((u) => quote(u.userPrincipalName));
    const filter = encodeURIComponent(`userPrincipalName in (${names.join(',')})`);
    requests.push({ id: String(requests.length + 1), method: 'GET' as const, url: `/users?$filter=${filter}&$select=id,userPrincipalName&$top=${PER_FILTER}` });
  }
  const found = new Map<string, string>();
  for (const answer of await client.batch(requests)) {
    if (answer.status === 403)
      throw new GraphError('missing_permission', 'GET /users was refused', { status: 403, permission: 'User.Read.All', request: 'GET /users' });
    if (answer.status !== 200)
      throw new GraphError(answer.status === 429 ? 'throttled' : 'refused', `GET /users answered ${answer.status}`, {
        status: answer.status,
        request: 'GET /users',
      });
    for (const user of (answer.body as { value?: { id?: string; userPrincipalName?: string }[] }).value ?? [])
      if (user.userPrincipalName && user.id) found.set(user.userPrincipalName.toLowerCase(), user.id);
  }
  return found;
}
