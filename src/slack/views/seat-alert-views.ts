import type { KnownBlock, View } from '@slack/types';
import { digestTime } from '../../core/licenses/change-seat-alerts.js';
import { formatMoney, formatSums } from '../../core/licenses/money.js';
import type { SeatAlert } from '../../core/licenses/seat-alert.js';
import { BUY_MORE_IN_THE_ADMIN_CENTER } from '../../core/refusals.js';
import { isLow, type ProductSeats, type SeatAlertsOverview } from '../../core/licenses/seat-alerts.js';
import type { SeatDigest } from '../../core/licenses/seat-digest.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime } from './dates.js';
import { button, context, esc, header, plain, section, textInput } from './kit.js';
import { SEATS } from './seat-ids.js';

/** Products shown one per block (a message holds at most 50 blocks); the rest in one line. */
const PRODUCTS_SHOWN = 40;

/** Who made a change, as Slack shows them: a member mentioned, a command-line operator or Roster named. */
export function actorText(actor: string | null): string {
  if (actor === null) return 'no record (a sync of the tenant)';
  if (/^[UW][A-Z0-9]+$/.test(actor)) return `<@${actor}>`;
  return actor.startsWith('roster:') ? 'Roster' : esc(actor);
}

function thresholdText(p: ProductSeats): string {
  if (p.threshold === 0) return p.ownThreshold === 0 ? 'no alert' : "no alert (the organization's seat warning is off)";
  return `alert below ${p.threshold}${p.ownThreshold === null ? " (the organization's)" : ''}`;
}

function productLine(p: ProductSeats): string {
  const low = isLow(p) ? `\n:warning: below since ${p.belowSince ? slackDateTime(p.belowSince) : 'now'}` : '';
  const price = p.price ? ` · ${esc(formatMoney(p.price))} a seat a month` : '';
  return `*${esc(p.product.displayName)}* \`${esc(p.product.partNumber)}\`\n${p.available} available of ${p.total} · ${thresholdText(p)}${price}${low}`;
}

export function recipientsText(channelId: string | null): string {
  return channelId ? `<#${channelId}>` : 'a DM to each Global, Billing and License admin';
}

/** Under `/licenses`: the seat alerts and the reclaim report, a click away. */
export function seatButtons(): Blocks {
  return [{ type: 'actions', block_id: 'seat_tools', elements: [button('Seat alerts', SEATS.showAlerts), button('Reclaim licenses', SEATS.showReclaim)] }];
}

/** `/licenses alerts`: every product's threshold and state, where alerts go, the digest; Set alert for those who may. */
export function seatAlertsMessage(overview: SeatAlertsOverview, said?: string): { text: string; blocks: Blocks } {
  const blocks: KnownBlock[] = [header(esc(`Seat alerts: ${overview.organizationName}`))];
  if (said) blocks.push(context(esc(said)));
  blocks.push(
    section(
      [
        `Alerts go to ${recipientsText(overview.channelId)}, once each time a product goes below its threshold.`,
        `Weekly digest: ${overview.digest ? digestTime(overview.digest) : 'off'}.`,
        `The organization's seat warning: ${overview.defaultThreshold > 0 ? `fewer than ${overview.defaultThreshold} left` : 'off'} (every product without its own threshold).`,
      ].join('\n'),
    ),
  );
  if (overview.products.length === 0) blocks.push(context('No licenses yet: `/licenses buy &lt;product&gt; &lt;quantity&gt;`.'));
  for (const [index, p] of overview.products.slice(0, PRODUCTS_SHOWN).entries()) {
    const text = productLine(p);
    blocks.push(
      overview.canChange
        ? {
            type: 'section',
            block_id: `seat_alert_${index}`,
            text: { type: 'mrkdwn', text },
            accessory: button('Set alert', SEATS.openProductAlert, undefined, p.product.skuId),
          }
        : section(text),
    );
  }
  const hidden = overview.products.length - PRODUCTS_SHOWN;
  if (hidden > 0) blocks.push(context(`and ${hidden} more products: \`roster licenses alerts\` lists them all.`));
  blocks.push(
    context(
      overview.canChange
        ? '`/licenses alerts set &lt;product&gt; &lt;seats&gt;` · `remove &lt;product&gt;` · `channel &lt;#channel|admins&gt;` · `digest &lt;monday 9|off&gt;` (UTC) · `/licenses price &lt;product&gt; &lt;amount&gt; &lt;currency&gt;`'
        : 'Global and Billing admins change the alerts.',
    ),
  );
  return { text: esc(`Seat alerts: ${overview.organizationName}`), blocks: blocks.slice(0, 50) };
}

/** The alert: the product, what is left, the last changes that used its seats, and what to do. */
export function seatAlertMessage(alert: SeatAlert): { text: string; blocks: Blocks } {
  const { seats } = alert;
  const name = seats.product.displayName;
  const text = `${name} is running low in ${alert.organizationName}: ${seats.available} left of ${seats.total}.`;
  const blocks: Blocks = [
    section(
      `:warning: *${esc(name)}* is running low in ${esc(alert.organizationName)}: *${seats.available}* left of ${seats.total} (${seats.assigned} assigned; alert below ${seats.threshold}).`,
    ),
  ];
  if (alert.uses.length > 0)
    blocks.push(
      section(
        `*Last changes that used seats*\n${alert.uses
          .map((u) => `• ${slackDateTime(u.at)} · ${actorText(u.actor)} · ${esc(u.summary)}${u.others > 0 ? ` (and ${u.others} more then)` : ''}`)
          .join('\n')}`,
      ),
    );
  blocks.push(
    context(
      `${alert.connected ? esc(BUY_MORE_IN_THE_ADMIN_CENTER) : `Buy more: \`/licenses buy ${esc(seats.product.partNumber)} &lt;quantity&gt;\``} · free unused seats: \`/licenses reclaim\` · change this alert: \`/licenses alerts set ${esc(seats.product.partNumber)} &lt;seats&gt;\`. No other alert until it is back at ${seats.threshold} or more.`,
    ),
  );
  return { text: esc(text), blocks };
}

/** The weekly digest: seats per product, those running low, and what reclaiming would free. */
export function seatDigestMessage(digest: SeatDigest): { text: string; blocks: Blocks } {
  const title = `Seats this week: ${digest.organizationName}`;
  const blocks: KnownBlock[] = [header(esc(title))];
  const lines = digest.products.map(
    (p) => `${isLow(p) ? ':warning: ' : ''}*${esc(p.product.displayName)}*: ${p.available} available of ${p.total} (${p.assigned} assigned)`,
  );
  if (lines.length === 0) blocks.push(section('No licenses yet.'));
  for (let i = 0; i < lines.length && blocks.length < 45; i += 10) blocks.push(section(lines.slice(i, i + 10).join('\n')));
  const cost = formatSums(digest.reclaimable.monthly);
  blocks.push(
    context(
      digest.reclaimable.users > 0
        ? `${digest.reclaimable.users} licensed user${digest.reclaimable.users === 1 ? ' is' : 's are'} proposed for reclaiming (sign-in blocked, or on a connected tenant no sign-in lately)${cost ? `, ${esc(cost)} a month` : ''}: \`/licenses reclaim\`.`
        : 'Nobody is proposed for reclaiming licenses.',
    ),
    context(`For ${slackDateTime(digest.slot)} · \`/licenses alerts digest off\` stops it.`),
  );
  return { text: esc(title), blocks };
}

/** Set alert: one product's threshold (empty: the organization's seat warning again). */
export function productAlertModal(p: ProductSeats, defaultThreshold: number, metadata: string): View {
  return {
    type: 'modal',
    callback_id: SEATS.productAlert,
    private_metadata: metadata,
    title: plain('Seat alert', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(`*${esc(p.product.displayName)}* \`${esc(p.product.partNumber)}\`: ${p.available} available of ${p.total}`),
      textInput('threshold', 'Alert below this many seats left', {
        optional: true,
        ...(p.ownThreshold !== null ? { initial: String(p.ownThreshold) } : {}),
        placeholder: `Empty: the organization's seat warning (${defaultThreshold})`,
        hint: '0 for no alert for this product. The alert goes once each time it goes below.',
      }),
    ],
  };
}
