import type { AuditPage, AuditQuery } from '../../core/audit/query-audit.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime } from './dates.js';
import { ACTION } from './ids.js';
import { button, context, esc, section } from './kit.js';

/** What the Next button carries: the filters as asked and the next page's marker (well under Slack's 2,000 characters). */
export function auditNextValue(query: AuditQuery, next: string): string {
  const { page: _page, limit: _limit, ...filters } = query;
  return JSON.stringify({ ...filters, page: next });
}

const who = (actor: string) => (/^[UW][A-Z0-9]+$/.test(actor) ? `<@${actor}>` : `\`${esc(actor)}\``);

/** `/users audit`: a page of 20 records, newest first, each with when, who, what; Next when there is more. */
export function auditMessage(page: AuditPage, query: AuditQuery, filtersText: string): { text: string; blocks: Blocks } {
  const title = `*Audit: ${esc(page.organizationName)}*${filtersText ? ` · ${esc(filtersText)}` : ''}${query.page ? ' (continued)' : ''}`;
  if (page.entries.length === 0)
    return { text: esc(`No audit records${filtersText ? ` for ${filtersText}` : ''}.`), blocks: [section(title), context('No audit records match.')] };
  const lines = page.entries.map(
    (entry) =>
      `${slackDateTime(entry.at)} · ${who(entry.actor)} · \`${esc(entry.action)}\` · ${esc(entry.summary.slice(0, 200))}${entry.changedFields.length > 0 ? ` _(${esc(entry.changedFields.join(', ').slice(0, 120))})_` : ''}`,
  );
  const blocks: Blocks = [section(title)];
  for (let start = 0; start < lines.length; start += 10) blocks.push(section(lines.slice(start, start + 10).join('\n')));
  if (page.next)
    blocks.push({ type: 'actions', block_id: 'audit_page', elements: [button('Next', ACTION.auditNext, undefined, auditNextValue(query, page.next))] });
  else blocks.push(context('End of the audit records.'));
  return { text: esc(`${page.entries.length} audit records`), blocks };
}
