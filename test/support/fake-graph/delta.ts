import type { GraphUser } from '../../../src/graph/graph-types.js';
import type { FakeTenant, FakeUser } from './tenant.js';

/**
 * /users/delta as Graph answers it: a first round lists every user (page by page, `@odata.nextLink`
 * with a `$skiptoken`), its last page gives `@odata.deltaLink` (a `$deltatoken`); a later round from
 * that token lists what changed since. Tokens are opaque to Roster: here base64url JSON of
 * {since, upTo, offset}, so a page asked for twice is the same page.
 */

interface Cursor {
  /** Changes after this seq are listed (0: the first round, every user). */
  since: number;
  /** …up to this one (the tenant's seq when the round began). */
  upTo: number;
  offset: number;
  /** The fake's delta generation: tokens of an older one answer 410. */
  g: number;
}

export const encodeToken = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
export function decodeToken<T>(token: string): T | null {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

function pick(user: GraphUser, select: readonly string[] | null, only?: ReadonlySet<string>): GraphUser {
  const out: Record<string, unknown> = { id: user.id };
  // `manager` is a relationship, not a property: delta reports it as manager@delta (representation below).
  for (const [key, value] of Object.entries(user)) {
    if (key === 'id') continue;
    if (select && !select.includes(key)) continue;
    if (only && !only.has(key)) continue;
    out[key] = value;
  }
  return out as unknown as GraphUser;
}

/** Whether a user belongs to the round (since, upTo]: made, changed, deleted, restored or purged in it. */
function inRound(state: FakeUser, since: number, upTo: number): boolean {
  if (since === 0) return state.createdSeq <= upTo;
  if (state.createdSeq > since && state.createdSeq <= upTo) return true;
  return state.changes.some((c) => c.seq > since && c.seq <= upTo);
}

/** How a user of the round is shown: in full, only what changed, or removed. */
function representation(state: FakeUser, since: number, upTo: number, select: readonly string[] | null): GraphUser | null {
  const { user } = state;
  if (state.purgedSeq !== null) return since === 0 ? null : ({ id: user.id, '@removed': { reason: 'deleted' } } as GraphUser);
  if (state.deletedSeq !== null) return since === 0 ? null : ({ id: user.id, '@removed': { reason: 'changed' } } as GraphUser);
  const window = state.changes.filter((c) => c.seq > since && c.seq <= upTo);
  const whole = since === 0 || state.createdSeq > since || window.some((c) => c.props.includes('*'));
  const shown = whole ? pick(user, select) : pick(user, select, new Set(window.flatMap((c) => c.props)));
  if (select?.includes('manager') && (whole || window.some((c) => c.props.includes('manager')))) {
    // Graph's manager@delta: the manager now, or the one removed (with `@removed`); nothing for a user who never had one.
    const removed = [...window].reverse().find((c) => c.props.includes('manager'))?.previousManager;
    const entry = state.managerId
      ? [{ '@odata.type': '#microsoft.graph.user', id: state.managerId }]
      : !whole && removed
        ? [{ '@odata.type': '#microsoft.graph.user', id: removed, '@removed': { reason: 'deleted' } }]
        : null;
    if (entry) Object.assign(shown, { 'manager@delta': entry });
  }
  return shown;
}

export interface DeltaAnswer {
  status: number;
  body: unknown;
}

/** One page of /users/delta for the query's `$select`, `$skiptoken` or `$deltatoken`. */
export function deltaPage(tenant: FakeTenant, query: URLSearchParams, base: string, pageSize: number, generation: number): DeltaAnswer {
  const select =
    query
      .get('$select')
      ?.split(',')
      .map((s) => s.trim()) ?? null;
  let cursor: Cursor;
  const skip = query.get('$skiptoken');
  const delta = query.get('$deltatoken');
  if (skip) {
    const decoded = decodeToken<Cursor>(skip);
    if (!decoded) return badToken();
    if (decoded.g !== generation) return resync();
    cursor = decoded;
  } else if (delta) {
    const decoded = decodeToken<{ since: number; g: number }>(delta);
    if (!decoded) return badToken();
    if (decoded.g !== generation) return resync();
    cursor = { since: decoded.since, upTo: tenant.seq, offset: 0, g: generation };
  } else {
    cursor = { since: 0, upTo: tenant.seq, offset: 0, g: generation };
  }
  const page: GraphUser[] = [];
  let index = cursor.offset;
  for (; index < tenant.order.length && page.length < pageSize; index++) {
    const state = tenant.users.get(tenant.order[index]!)!;
    if (!inRound(state, cursor.since, cursor.upTo)) continue;
    const shown = representation(state, cursor.since, cursor.upTo, select);
    if (shown) page.push(shown);
  }
  const keep = select ? `$select=${select.join(',')}&` : '';
  const more = tenant.order.slice(index).some((id) => inRound(tenant.users.get(id)!, cursor.since, cursor.upTo));
  const link = more
    ? { '@odata.nextLink': `${base}/users/delta?${keep}$skiptoken=${encodeToken({ ...cursor, offset: index })}` }
    : { '@odata.deltaLink': `${base}/users/delta?${keep}$deltatoken=${encodeToken({ since: cursor.upTo, g: generation })}` };
  return { status: 200, body: { '@odata.context': `${base}/$metadata#users`, value: page, ...link } };
}

function resync(): DeltaAnswer {
  return { status: 410, body: { error: { code: 'resyncRequired', message: 'The delta token is no longer valid. Start again without a token.' } } };
}

function badToken(): DeltaAnswer {
  return { status: 400, body: { error: { code: 'Request_BadRequest', message: 'Badly formed token.' } } };
}
