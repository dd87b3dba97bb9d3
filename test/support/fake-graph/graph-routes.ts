import type { GraphUser } from '../../../src/graph/graph-types.js';
import { decodeToken, deltaPage, encodeToken } from './delta.js';
import type { FakeApp, FakeGraphState } from './state.js';
import type { FakeTenant } from './tenant.js';
import { visible, writeRoute } from './write-routes.js';

/** An answer of the fake: status, headers, JSON body. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({ status, body, headers });
export const graphFault = (status: number, code: string, message: string, headers: Record<string, string> = {}): Answer =>
  json(status, { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': 'fake', 'client-request-id': 'fake' } } }, headers);

/** The permissions that allow each kind of read (the least privileged first), as Graph's reference lists them. */
const READ_GRANTS: { path: RegExp; any: string[] }[] = [
  { path: /^\/users/, any: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] },
  { path: /^\/(organization|subscribedSkus)/, any: ['Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] },
  { path: /^\/domains/, any: ['Domain.Read.All', 'Domain.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] },
  { path: /^\/directory\/deletedItems/, any: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] },
  {
    path: /^\/roleManagement\/directory/,
    any: ['RoleManagement.Read.Directory', 'RoleManagement.ReadWrite.Directory', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  },
];

function allowed(permissions: readonly string[], path: string): boolean {
  const grant = READ_GRANTS.find((g) => g.path.test(path));
  return grant ? grant.any.some((p) => permissions.includes(p)) : true;
}

/** `userPrincipalName eq 'a'` or `userPrincipalName in ('a','b')`: the usernames asked for (lower case), or null for no filter. */
function upnFilter(filter: string | null): string[] | null | 'bad' {
  if (!filter) return null;
  const eq = /^userPrincipalName eq '((?:[^']|'')*)'$/i.exec(filter.trim());
  if (eq) return [eq[1]!.replace(/''/g, "'").toLowerCase()];
  const inList = /^userPrincipalName in \((.*)\)$/i.exec(filter.trim());
  if (!inList) return 'bad';
  const values = [...inList[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'").toLowerCase());
  return values.length > 15 ? 'bad' : values;
}

function selected(query: URLSearchParams): string[] | undefined {
  return query
    .get('$select')
    ?.split(',')
    .map((s) => s.trim());
}

/**
 * The properties asked for (all by default, as Graph's default set; signInActivity only when
 * selected, as Graph returns it: null for a user who never signed in).
 */
function select(user: GraphUser, query: URLSearchParams, t?: FakeTenant): GraphUser {
  const wanted = selected(query);
  if (!wanted) return user;
  const picked = Object.fromEntries(Object.entries(user).filter(([key]) => key === 'id' || wanted.includes(key)));
  if (t && wanted.some((w) => w.toLowerCase() === 'signinactivity')) picked.signInActivity = t.signIns.get(user.id) ?? null;
  return picked as unknown as GraphUser;
}

/**
 * signInActivity, as Graph guards it: the app needs AuditLog.Read.All (besides User.Read.All), and
 * the tenant Entra ID P1 or P2; a delta query cannot return it. Null when the request may go on.
 */
function signInActivityRefusal(t: FakeTenant, app: FakeApp, path: string, query: URLSearchParams): Answer | null {
  if (!selected(query)?.some((w) => w.toLowerCase() === 'signinactivity')) return null;
  if (path === '/users/delta') return graphFault(400, 'Request_UnsupportedQuery', "Property 'signInActivity' is not supported for delta queries.");
  if (!app.permissions.includes('AuditLog.Read.All'))
    return graphFault(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  if (!t.premium)
    return graphFault(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', "Neither tenant is B2C or tenant doesn't have premium license");
  const top = Number(query.get('$top') ?? 100);
  if (top > 999) return graphFault(400, 'Request_UnsupportedQuery', 'The value of $top must be at most 999 when signInActivity is selected.');
  return null;
}

/** A Graph request (path under /v1.0) from `app`, already authenticated; `body` is a change's JSON body. */
export function graphRoute(s: FakeGraphState, method: string, path: string, query: URLSearchParams, app: FakeApp, body: unknown = {}): Answer {
  if (method !== 'GET') {
    const answer = writeRoute(s, method, path, (body ?? {}) as Record<string, unknown>, app);
    return answer ?? graphFault(405, 'Request_BadRequest', `The fake Graph does not take ${method} ${path}.`);
  }
  if (!allowed(app.permissions, path)) return graphFault(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  const t = s.tenant;
  const base = `${s.graphUrl}/v1.0`;
  const refused = signInActivityRefusal(t, app, path, query);
  if (refused) return refused;
  if (path === '/roleManagement/directory/roleAssignments') {
    const filter = query.get('$filter');
    const wanted = filter ? [...filter.matchAll(/'([0-9a-f-]{36})'/gi)].map((m) => m[1]!.toLowerCase()) : null;
    if (filter && !/^roleDefinitionId (eq|in) /i.test(filter)) return graphFault(400, 'BadRequest', 'Invalid filter clause.');
    return json(200, { value: t.roleAssignments.filter((a) => wanted === null || wanted.includes(a.roleDefinitionId)) });
  }
  const deletedItem = /^\/directory\/deletedItems\/([^/]+)$/.exec(path);
  if (deletedItem) {
    const state = t.users.get(decodeURIComponent(deletedItem[1]!));
    if (!state || state.deletedSeq === null || state.purgedSeq !== null)
      return graphFault(
        404,
        'Request_ResourceNotFound',
        `Resource '${decodeURIComponent(deletedItem[1]!)}' does not exist or one of its queried reference-property objects are not present.`,
      );
    return json(200, { '@odata.type': '#microsoft.graph.user', ...select(state.user, query) });
  }
  if (path === '/organization') {
    return json(200, {
      value: [
        {
          id: t.id,
          displayName: t.displayName,
          verifiedDomains: t.domains.filter((d) => d.isVerified).map((d) => ({ name: d.id, isDefault: d.isDefault, isInitial: d.isInitial, type: 'Managed' })),
        },
      ],
    });
  }
  if (path === '/domains') return json(200, { value: t.domains.map((d) => ({ ...d, authenticationType: 'Managed', supportedServices: ['Email'] })) });
  if (path === '/subscribedSkus') {
    return json(200, {
      value: [...t.skus.values()].map((sku) => ({
        id: `${t.id}_${sku.skuId}`,
        skuId: sku.skuId,
        skuPartNumber: sku.skuPartNumber,
        appliesTo: 'User',
        capabilityStatus: sku.capabilityStatus,
        consumedUnits: t.consumedUnits(sku.skuId),
        prepaidUnits: { enabled: sku.enabled, suspended: 0, warning: 0, lockedOut: 0 },
        servicePlans: sku.servicePlans,
      })),
    });
  }
  if (path === '/users/delta') {
    const page = deltaPage(t, query, base, s.pageSize, s.deltaGeneration);
    return json(page.status, page.body);
  }
  if (path === '/users') {
    const wanted = upnFilter(query.get('$filter'));
    if (wanted === 'bad') return graphFault(400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified.');
    // Graph gives at most $top (999 at most) a page, and may give fewer: the fake's page size (setPageSize) bounds it too.
    const top = Math.min(Number(query.get('$top') ?? 100) || 100, 999, s.pageSize);
    const offset = decodeToken<{ offset: number }>(query.get('$skiptoken') ?? '')?.offset ?? 0;
    const all = t.activeUsers().filter((u) => wanted === null || wanted.includes(u.userPrincipalName!.toLowerCase()));
    const page = all.slice(offset, offset + top).map((u) => select(u, query, t));
    const next =
      offset + top < all.length
        ? { '@odata.nextLink': `${base}/users?${new URLSearchParams({ ...Object.fromEntries(query), $skiptoken: encodeToken({ offset: offset + top }) })}` }
        : {};
    return json(200, { value: page, ...next });
  }
  const one = /^\/users\/([^/]+)$/.exec(path);
  if (one) {
    const state = visible(t, decodeURIComponent(one[1]!));
    if (!state)
      return graphFault(
        404,
        'Request_ResourceNotFound',
        `Resource '${decodeURIComponent(one[1]!)}' does not exist or one of its queried reference-property objects are not present.`,
      );
    const expand = query.get('$expand');
    if (expand && !/^manager(\(\$select=id\))?$/.test(expand)) return graphFault(400, 'Request_BadRequest', `The fake Graph does not expand ${expand}.`);
    const manager = expand && state.managerId ? { manager: { '@odata.type': '#microsoft.graph.user', id: state.managerId } } : {};
    return json(200, { ...select(state.user, query, t), ...manager });
  }
  return graphFault(400, 'Request_BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`);
}
