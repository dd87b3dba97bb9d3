import { subDays, subHours } from 'date-fns';
import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { fail, ok, type Result } from '../result.js';
import { auditLog, type AuditLogEntry } from '../../store/audit-log.js';
import { activeUserByUpn, activeUsersByAlias } from '../../store/directory-users.js';
import type { Db } from '../../store/database.js';

/** Entries in one page of `/users audit`. */
export const AUDIT_PAGE = 20;

/** What an admin asks of the audit: every filter optional, as typed (`/users audit user:kim since:7d`, or the CLI's options). */
export interface AuditQuery {
  /** The user the changes are about: username, or an alias when unambiguous. */
  user?: string;
  /** Who made them: a username linked to Slack, a Slack member (`U…`, `<@U…>`), or `cli:<name>`. */
  by?: string;
  /** An action (`user.delete`) or a family (`user.`, `licenses.`). */
  action?: string;
  /** From this day (`2026-11-01`, UTC) or this long ago (`7d`, `12h`). */
  since?: string;
  /** Before this day or this long ago. */
  until?: string;
  /** The `next` of the previous page. */
  page?: string;
  limit?: number;
}

export interface AuditPage {
  organizationName: string;
  entries: AuditLogEntry[];
  /** The next page's cursor; null on the last page. */
  next: string | null;
}

export const AUDIT_FILTERS = ['user', 'by', 'action', 'since', 'until'] as const;
const FAMILIES = ['tenant.', 'licenses.', 'user.', 'users.', 'view.', 'import_channel.'];

/** `/users audit`, `roster audit`: the organization's audit records, newest first, filtered, a page at a time. Any admin role. */
export async function queryAudit(ctx: CoreContext, actor: Actor, query: AuditQuery): Promise<Result<AuditPage>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const tenantId = auth.tenant.id;
  const now = ctx.now();
  const since = query.since ? when(query.since, now) : undefined;
  if (since === null)
    return fail('invalid_input', `since: "${query.since}" is not a day (2026-11-01) or a time ago (7d, 12h).`, [
      { field: 'since', message: 'a day or a time ago' },
    ]);
  const until = query.until ? when(query.until, now) : undefined;
  if (until === null)
    return fail('invalid_input', `until: "${query.until}" is not a day (2026-11-01) or a time ago (7d, 12h).`, [
      { field: 'until', message: 'a day or a time ago' },
    ]);
  const action = query.action?.trim().toLowerCase();
  if (action && !/^[a-z_]+\.([a-z_]+)?$/.test(action))
    return fail('invalid_input', `action: "${query.action}" is not an action (user.delete) or a family of them (${FAMILIES.join(', ')}).`, [
      { field: 'action', message: 'an action or a family' },
    ]);
  const after = query.page ? decodeCursor(query.page) : undefined;
  if (after === null)
    return fail('invalid_input', 'page: this page marker is not one Roster gave. Start again without it.', [{ field: 'page', message: 'not a page marker' }]);
  let targetUserId: string | undefined;
  if (query.user) {
    const user = await userNamed(ctx.db, tenantId, query.user);
    if (!user.ok) return fail(user.code, `user: ${user.message}`, [{ field: 'user', message: user.message }]);
    targetUserId = user.id;
  }
  let by: string | undefined;
  if (query.by) {
    const who = await actorNamed(ctx.db, tenantId, query.by);
    if (!who.ok) return fail(who.code, `by: ${who.message}`, [{ field: 'by', message: who.message }]);
    by = who.id;
  }
  const limit = Math.min(Math.max(query.limit ?? AUDIT_PAGE, 1), 1000);
  const entries = await auditLog(ctx.db, {
    tenantId,
    limit: limit + 1,
    ...(targetUserId ? { targetUserId } : {}),
    ...(by ? { actor: by } : {}),
    ...(action ? { action } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(after ? { after } : {}),
  });
  const page = entries.slice(0, limit);
  const last = page[page.length - 1];
  return ok({ organizationName: auth.tenant.name, entries: page, next: entries.length > limit && last ? encodeCursor(last) : null });
}

/** `user:kim since:7d …` as typed after `/users audit`: the filters, or the word that is not one. */
export function parseAuditFilters(text: string): Result<AuditQuery> {
  const query: AuditQuery = {};
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const colon = word.indexOf(':');
    const key = colon > 0 ? word.slice(0, colon).toLowerCase() : '';
    const value = colon > 0 ? word.slice(colon + 1) : '';
    if (!(AUDIT_FILTERS as readonly string[]).includes(key) || !value)
      return fail('invalid_input', `"${word}" is not a filter. Use ${AUDIT_FILTERS.map((name) => `${name}:…`).join(' ')}, for example \`user:kim since:7d\`.`);
    query[key as (typeof AUDIT_FILTERS)[number]] = value;
  }
  return ok(query);
}

/** A day (UTC midnight) or a time ago; null when it is neither. */
function when(text: string, now: Date): Date | null {
  const ago = /^(\d{1,5})([dh])$/i.exec(text.trim());
  if (ago) return ago[2]!.toLowerCase() === 'd' ? subDays(now, Number(ago[1])) : subHours(now, Number(ago[1]));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) return null;
  const day = new Date(`${text.trim()}T00:00:00Z`);
  return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text.trim() ? null : day;
}

async function userNamed(db: Db, tenantId: string, name: string): Promise<Result<{ id: string }>> {
  const wanted = name.trim().toLowerCase();
  const exact = await activeUserByUpn(db, tenantId, wanted);
  if (exact) return ok({ id: exact.id });
  if (!wanted.includes('@')) {
    const matches = await activeUsersByAlias(db, tenantId, wanted, 5);
    if (matches.length > 1) return fail('invalid_input', `"${name}" matches ${matches.map((m) => m.userPrincipalName).join(', ')}; give the full username.`);
    if (matches[0]) return ok({ id: matches[0].id });
  }
  return fail('not_found', `no user ${name} in the organization (a deleted user's changes: search by who made them or by action).`);
}

async function actorNamed(db: Db, tenantId: string, name: string): Promise<Result<{ id: string }>> {
  const text = name.trim();
  const mention = /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(text);
  if (mention) return ok({ id: mention[1]! });
  if (/^[UW][A-Z0-9]{2,}$/.test(text) || /^(cli|roster):\S+$/.test(text)) return ok({ id: text });
  const user = await userNamed(db, tenantId, text);
  if (!user.ok) return user;
  const linked = await activeUserByUpn(db, tenantId, text.toLowerCase());
  const found = linked ?? (await activeUsersByAlias(db, tenantId, text.toLowerCase(), 1))[0];
  if (!found?.slackUserId)
    return fail('invalid_input', `${text} has no Slack account linked, so no change was made as them; give a Slack member or cli:<name>.`);
  return ok({ id: found.slackUserId });
}

function encodeCursor(entry: AuditLogEntry): string {
  return Buffer.from(`${entry.at.toISOString()}|${entry.id}`).toString('base64url');
}

function decodeCursor(text: string): { at: Date; id: string } | null {
  const [iso = '', id = ''] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) || !id || at.toISOString() !== iso ? null : { at, id };
}
