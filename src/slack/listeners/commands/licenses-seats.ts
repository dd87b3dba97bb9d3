import type { SlashCommand } from '@slack/bolt';
import { changeSeatAlerts, type SeatAlertChange } from '../../../core/licenses/change-seat-alerts.js';
import { formatMoney } from '../../../core/licenses/money.js';
import { setPrice } from '../../../core/licenses/product-prices.js';
import { reclaimReport } from '../../../core/licenses/reclaim-report.js';
import { setInactiveDays, setKeepDays } from '../../../core/licenses/reclaim-settings.js';
import { isLow, seatAlerts } from '../../../core/licenses/seat-alerts.js';
import type { ListenerDeps } from '../../deps.js';
import { change, type Plan } from '../../services/answer.js';
import { ephemeral, type CommandReply, type FollowUp } from '../../services/answering.js';
import { textMessage } from '../../views/kit.js';
import { reclaimReportMessage } from '../../views/reclaim-views.js';
import { seatAlertsMessage } from '../../views/seat-alert-views.js';

export const LICENSES_SEATS_SUBCOMMANDS = ['alerts', 'price', 'reclaim'] as const;
type SeatsSubcommand = (typeof LICENSES_SEATS_SUBCOMMANDS)[number];

export function isSeatsSubcommand(sub: string): sub is SeatsSubcommand {
  return (LICENSES_SEATS_SUBCOMMANDS as readonly string[]).includes(sub);
}

const say = (text: string): Plan<CommandReply> => ({ reply: ephemeral(textMessage(text)) });

const ALERTS_USAGE =
  'Usage: `/licenses alerts` · `/licenses alerts set <product> <seats>` · `remove <product>` · `channel here|admins` · `digest <day> <hour>|off` (UTC, such as `digest monday 9`).';

/** `here` (the channel it is typed in), a channel as Slack writes it (`<#C…|name>`), its id, or `admins`. */
function channelOf(words: readonly string[], command: SlashCommand): string {
  const word = words[0] ?? '';
  if (word.toLowerCase() === 'here') return command.channel_id;
  return /^<#([CG][A-Z0-9]+)(\|[^>]*)?>$/.exec(word)?.[1] ?? word;
}

function alertChange(words: readonly string[], command: SlashCommand): SeatAlertChange | null {
  const [what = '', ...rest] = words;
  switch (what.toLowerCase()) {
    case 'set':
      return rest.length >= 2 ? { set: { product: rest.slice(0, -1).join(' '), seats: rest.at(-1)! } } : null;
    case 'remove':
      return rest.length >= 1 ? { remove: { product: rest.join(' ') } } : null;
    case 'channel':
      return rest.length === 1 ? { channel: channelOf(rest, command) } : null;
    case 'digest':
      return rest.length >= 1 ? { digest: rest.join(' ') } : null;
    default:
      return null;
  }
}

/**
 * `/licenses alerts …`, `/licenses price …`, `/licenses reclaim` (issue 17). Reports answer in the
 * ack; a change is rehearsed before the ack (its answer) and made after it.
 */
export async function licensesSeatsSubcommand(
  deps: ListenerDeps,
  command: SlashCommand,
  sub: SeatsSubcommand,
  words: string[],
  tell: FollowUp,
): Promise<Plan<CommandReply>> {
  const actor = { teamId: command.team_id, slackUserId: command.user_id };
  if (sub === 'reclaim' && words[0]?.toLowerCase() === 'keep-days') {
    const rehearsal = await setKeepDays(deps.core, actor, words[1] ?? '', { dryRun: true });
    if (!rehearsal.ok) return say(rehearsal.message);
    return {
      ...say(`Users kept in the reclaim report are now left out for ${rehearsal.days} days (was ${rehearsal.before}).`),
      after: change('set the keep time', async () => {
        const result = await setKeepDays(deps.core, actor, words[1] ?? '');
        if (!result.ok) await tell(textMessage(`The keep time was not changed: ${result.message}`));
      }),
    };
  }
  if (sub === 'reclaim' && words[0]?.toLowerCase() === 'inactive-days') {
    const rehearsal = await setInactiveDays(deps.core, actor, words[1] ?? '', { dryRun: true });
    if (!rehearsal.ok) return say(rehearsal.message);
    return {
      ...say(
        `Users not signed in for ${rehearsal.days} days (was ${rehearsal.before}) are now proposed in the reclaim report, on a connected Microsoft 365 tenant whose sign-in activity Roster reads.`,
      ),
      after: change('set the inactive days', async () => {
        const result = await setInactiveDays(deps.core, actor, words[1] ?? '');
        if (!result.ok) await tell(textMessage(`The inactive days were not changed: ${result.message}`));
      }),
    };
  }
  if (sub === 'reclaim') {
    const report = await reclaimReport(deps.core, actor);
    return { reply: ephemeral(report.ok ? reclaimReportMessage(report) : textMessage(report.message)) };
  }
  if (sub === 'price') {
    const none = words.at(-1)?.toLowerCase() === 'none';
    if (words.length < (none ? 2 : 3))
      return say('Say the product, the price of a seat a month and its currency: `/licenses price business basic 6.00 EUR` (or `none` to forget it).');
    const input = none
      ? { product: words.slice(0, -1).join(' '), amount: 'none' }
      : { product: words.slice(0, -2).join(' '), amount: words.at(-2)!, currency: words.at(-1)! };
    const rehearsal = await setPrice(deps.core, actor, { ...input, dryRun: true });
    if (!rehearsal.ok) return say(rehearsal.message);
    const name = rehearsal.product.displayName;
    return {
      ...say(rehearsal.price ? `${name} costs ${formatMoney(rehearsal.price)} a seat a month.` : `${name} has no price any more.`),
      after: change('set the price', async () => {
        const result = await setPrice(deps.core, actor, input);
        if (!result.ok) await tell(textMessage(`The price of ${name} was not changed: ${result.message}`));
      }),
    };
  }
  if (words.length === 0) {
    const overview = await seatAlerts(deps.core, actor);
    return { reply: ephemeral(overview.ok ? seatAlertsMessage(overview) : textMessage(overview.message)) };
  }
  const wanted = alertChange(words, command);
  if (!wanted) return say(ALERTS_USAGE);
  const rehearsal = await changeSeatAlerts(deps.core, actor, wanted, { dryRun: true });
  if (!rehearsal.ok) return say(rehearsal.message);
  const product = rehearsal.product;
  const where = product
    ? ` ${product.product.displayName} has ${product.available} left${isLow(product) ? ': below already, so no alert until it is back up' : ''}.`
    : '';
  return {
    ...say(`${rehearsal.summary}.${where}`),
    after: change('change the seat alerts', async () => {
      const result = await changeSeatAlerts(deps.core, actor, wanted);
      if (!result.ok) await tell(textMessage(`The seat alerts were not changed: ${result.message}`));
    }),
  };
}
