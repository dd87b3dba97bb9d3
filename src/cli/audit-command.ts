import { queryAudit, type AuditQuery } from '../core/audit/query-audit.js';
import { EXIT, refuse, usageError } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { RowWriter, summaryPrinter } from './output.js';

/** Records shown as text when --limit does not say: json and csv page through them all. */
const TEXT_LIMIT = 50;
/** Records asked of the core at a time. */
const PAGE = 500;

export const AUDIT_FIELDS = ['at', 'actor', 'action', 'targetType', 'targetId', 'changedFields', 'summary'];

/** `roster audit`: the organization's audit records, newest first, with the filters of `/users audit`. */
async function audit(run: CommandRun): Promise<number> {
  const { values } = run;
  let limit = run.format === 'text' ? TEXT_LIMIT : Number.POSITIVE_INFINITY;
  if (typeof values.limit === 'string') {
    if (!/^[1-9]\d*$/.test(values.limit)) return usageError(run.problem, `--limit must be a whole number above 0, not "${values.limit}"`);
    limit = Number(values.limit);
  }
  const filters: AuditQuery = {};
  for (const name of ['user', 'by', 'action', 'since', 'until'] as const) if (typeof values[name] === 'string') filters[name] = values[name];
  const rows = new RowWriter(run.format, AUDIT_FIELDS, run.write, (r) => `${r.at}  ${String(r.actor).padEnd(20)} ${String(r.action).padEnd(24)} ${r.summary}`);
  let page: string | undefined;
  let shown = 0;
  let more = false;
  for (;;) {
    const result = await queryAudit(run.ctx, run.actor, { ...filters, ...(page ? { page } : {}), limit: Math.min(PAGE, limit - shown) });
    if (!result.ok) return result.code === 'invalid_input' ? usageError(run.problem, `--${result.message}`) : refuse(run.problem, result);
    rows.rows(
      result.entries.map((e) => ({
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        targetType: e.targetType,
        targetId: e.targetId,
        changedFields: e.changedFields,
        summary: e.summary,
      })),
    );
    shown += result.entries.length;
    if (!result.next) break;
    if (shown >= limit) {
      more = true;
      break;
    }
    page = result.next;
  }
  rows.end();
  const say = summaryPrinter(run.format, run.print, run.problem);
  if (shown === 0) say('No audit records match.');
  else if (more) say(`The newest ${shown} records; there are more: raise --limit, or narrow with --since, --user, --by or --action.`);
  return EXIT.done;
}

export const AUDIT_COMMAND: CommandSpec = {
  path: ['audit'],
  summary: "the organization's audit records, newest first, filtered as /users audit in Slack",
  args: '',
  positionals: { min: 0, max: 0 },
  details: `Text shows the newest ${TEXT_LIMIT} unless --limit says; json and csv page through every record that matches unless --limit says.`,
  options: {
    user: { type: 'string', value: '<username>', help: 'changes to this user (username, or an alias when unambiguous)' },
    by: { type: 'string', value: '<who>', help: 'changes made by a username linked to Slack, a Slack member (U…) or cli:<name>' },
    action: { type: 'string', value: '<action>', help: 'an action (user.delete) or a family of them (user., licenses., view.)' },
    since: { type: 'string', value: '<when>', help: 'from this day (2026-11-01, UTC) or this long ago (7d, 12h)' },
    until: { type: 'string', value: '<when>', help: 'before this day or this long ago' },
    limit: { type: 'string', value: '<n>', help: 'at most this many records' },
  },
  output: true,
  examples: [
    'roster audit --since 7d',
    'roster audit --user ana --action licenses. --output json',
    'roster audit --since 2026-11-01 --until 2026-12-01 --output csv > audit.csv',
  ],
  run: audit,
};
