import type { LicenseCount } from '../../core/licenses/list-licenses.js';
import type { BuyLicensesResult } from '../../core/licenses/buy-licenses.js';
import type { Blocks } from '../slack-port.js';
import { BUY_MORE_IN_THE_ADMIN_CENTER } from '../../core/refusals.js';
import { context, esc, header, section } from './kit.js';

function seatLine(l: LicenseCount): string {
  const warn = l.available === 0 ? ' :warning: none left' : '';
  return `*${esc(l.product.displayName)}* \`${l.product.partNumber}\`\n${l.available} available · ${l.assigned} assigned · ${l.total} total${warn}`;
}

/** `/licenses`: each product with its seats. */
export function licensesMessage(organizationName: string, licenses: LicenseCount[], connected = false): { text: string; blocks: Blocks } {
  if (licenses.length === 0 && connected)
    return {
      text: `${esc(organizationName)} has no licenses yet.`,
      blocks: [section(`*${esc(organizationName)}* has no licenses yet. ${esc(BUY_MORE_IN_THE_ADMIN_CENTER)}`)],
    };
  if (licenses.length === 0) {
    return {
      text: `${esc(organizationName)} has no licenses yet.`,
      blocks: [
        section(
          `*${esc(organizationName)}* has no licenses yet. Buy some with \`/licenses buy &lt;product&gt; &lt;quantity&gt;\`, e.g. \`/licenses buy business basic 10\`.`,
        ),
      ],
    };
  }
  const lines = licenses.map(seatLine);
  const blocks: Blocks = [header(esc(`Licenses: ${organizationName}`))];
  for (let i = 0; i < lines.length && blocks.length < 45; i += 8) blocks.push(section(lines.slice(i, i + 8).join('\n\n')));
  blocks.push(context(connected ? esc(BUY_MORE_IN_THE_ADMIN_CENTER) : 'Buy more: `/licenses buy &lt;product&gt; &lt;quantity&gt;` (Global or Billing admin).'));
  return { text: esc(`${organizationName}: ${licenses.map((l) => `${l.product.displayName} ${l.available}/${l.total} available`).join('; ')}`), blocks };
}

export function boughtMessage(result: BuyLicensesResult): { text: string; blocks: Blocks } {
  const text = `Bought ${result.quantity} ${result.product.displayName} (${result.product.partNumber}). Now ${result.available} available of ${result.total}.`;
  const blocks: Blocks = [section(`:white_check_mark: ${esc(text)}`)];
  if (result.alsoNamedAlike.length > 0) {
    blocks.push(
      context(
        `Other products share this name: ${result.alsoNamedAlike.map((p) => `\`${p.partNumber}\``).join(', ')}. To buy one of those, use its part number.`,
      ),
    );
  }
  return { text: esc(text), blocks };
}
