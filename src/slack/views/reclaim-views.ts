import type { KnownBlock } from '@slack/types';
import { formatSums } from '../../core/licenses/money.js';
import type { ReclaimResult } from '../../core/licenses/reclaim-job.js';
import { inactivityNote, proposedWho, type ReclaimReport, type ReclaimRow } from '../../core/licenses/reclaim-report.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime } from './dates.js';
import { button, context, destructiveButton, esc, header, section } from './kit.js';
import { SEATS } from './seat-ids.js';

/** Rows shown with their Keep and Reclaim buttons (two blocks each; a message holds at most 50). */
export const RECLAIM_ROWS_SHOWN = 15;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

function rowText(row: ReclaimRow): string {
  const cost = formatSums(row.monthly);
  const names = row.products.map((p) => esc(p.displayName)).join(', ');
  return `*${esc(row.displayName)}* \`${esc(row.userPrincipalName)}\` · ${esc(row.why)}\n${names}${cost ? ` · ${esc(cost)} a month` : ''}${row.unpriced.length && cost ? ' (and unpriced)' : ''}`;
}

/** `/licenses reclaim`: who holds licenses unused, what they cost, Keep and Reclaim on each, Reclaim all. */
export function reclaimReportMessage(report: ReclaimReport, said?: string): { text: string; blocks: Blocks } {
  const title = `Reclaim licenses: ${report.organizationName}`;
  const blocks: KnownBlock[] = [header(esc(title))];
  if (said) blocks.push(context(esc(said)));
  const cost = formatSums(report.monthly);
  if (report.count === 0)
    blocks.push(
      section(
        report.inactivity.state === 'read'
          ? `Nobody to propose: every licensed user may sign in and has within ${report.inactivity.days} days (or is new, or kept).`
          : 'Nobody to propose: no licensed user has their sign-in blocked (but those kept).',
      ),
    );
  else {
    blocks.push(
      section(
        `${esc(proposedWho(report))} ${report.count === 1 ? 'holds' : 'hold'} ${plural(report.seats, 'license')}${cost ? `, ${esc(cost)} a month` : ''}.${
          report.unpriced.length ? ` No price for ${report.unpriced.map((p) => esc(p.displayName)).join(', ')} (\`/licenses price\`).` : ''
        }`,
      ),
    );
    const all = report.rows.length;
    if (report.canReclaim)
      blocks.push({
        type: 'actions',
        block_id: 'reclaim_all',
        elements: [
          destructiveButton(`Reclaim all (${all.toLocaleString('en')})`, SEATS.reclaimAll, `${all} ${report.fingerprint}`, {
            title: 'Reclaim licenses',
            text: `Take ${plural(report.seats, 'license')} from ${plural(all, report.rows.every((r) => r.reason === 'blocked') ? 'blocked user' : 'user')}? Their mailboxes are kept 30 days. The results come as one DM.`,
            confirm: 'Reclaim all',
          }),
        ],
      });
  }
  for (const [index, row] of report.rows.slice(0, RECLAIM_ROWS_SHOWN).entries()) {
    blocks.push(section(rowText(row)));
    if (report.canReclaim)
      blocks.push({
        type: 'actions',
        block_id: `reclaim_row_${index}`,
        elements: [
          button('Keep', SEATS.keepUser, undefined, row.userId),
          destructiveButton('Reclaim', SEATS.reclaimUser, row.userId, {
            title: 'Reclaim licenses',
            text: `Take ${row.products.map((p) => p.displayName).join(', ')} from ${row.userPrincipalName}?`,
            confirm: 'Reclaim',
          }),
        ],
      });
  }
  const hidden = report.count - Math.min(report.rows.length, RECLAIM_ROWS_SHOWN);
  if (hidden > 0)
    blocks.push(
      context(
        `and ${plural(hidden, 'more user')}: \`roster licenses reclaim\` lists them all.${report.rows.length < report.count ? ` Reclaim all takes the first ${report.rows.length.toLocaleString('en')}; run it again for the rest.` : ''}`,
      ),
    );
  if (report.kept.length > 0)
    blocks.push(context(`Kept: ${report.kept.map((k) => `\`${esc(k.userPrincipalName)}\` until ${slackDateTime(k.keptUntil)}`).join(', ')}`));
  blocks.push(
    context(
      `Keep leaves a user out for ${report.keepDays} days. Deleted users hold no license (theirs were freed when deleted). ${inactivityNote(report.inactivity, slackDateTime, esc)}${
        report.canReclaim ? '' : ' Global, User and License admins reclaim (in Roster’s own directory).'
      }`,
    ),
  );
  return { text: esc(title), blocks: blocks.slice(0, 50) };
}

/** The results of Reclaim all, as one DM: seats freed per product and what they cost, and who was not done with why. */
export function reclaimResultMessage(result: ReclaimResult): { text: string; blocks: Blocks } {
  const cost = formatSums(result.monthly);
  const seats = result.freed.reduce((sum, f) => sum + f.seats, 0);
  const text = `Reclaimed ${plural(seats, 'license')} from ${plural(result.done.length, 'user')}${cost ? ` (${cost} a month)` : ''}; ${result.notDone.length} not done.`;
  const blocks: Blocks = [section(`:white_check_mark: ${esc(text)}`)];
  if (result.freed.length)
    blocks.push(section(`*Freed*\n${result.freed.map((f) => `• ${esc(f.product.displayName)}: ${plural(f.seats, 'seat')}`).join('\n')}`));
  if (result.notDone.length)
    blocks.push(
      section(
        `*Not done*\n${result.notDone
          .slice(0, 30)
          .map((n) => `• \`${esc(n.userPrincipalName)}\`: ${esc(n.reason)}`)
          .join('\n')}${result.notDone.length > 30 ? `\n…and ${result.notDone.length - 30} more (\`roster jobs\`)` : ''}`,
      ),
    );
  return { text: esc(text), blocks };
}
