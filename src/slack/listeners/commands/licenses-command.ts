import { buyLicenses, mayBuyLicenses } from '../../../core/licenses/buy-licenses.js';
import { checkSeatWarning, setSeatWarning } from '../../../core/tenant/set-seat-warning.js';
import { listLicenses } from '../../../core/licenses/list-licenses.js';
import { listSelfService } from '../../../core/licenses/take-over-subscription.js';
import type { ListenerDeps } from '../../deps.js';
import { change, type Plan } from '../../services/answer.js';
import { ephemeral, followUp, type CommandArgs, type CommandReply } from '../../services/answering.js';
import { helpMessage, LICENSES_HELP } from '../../views/help-message.js';
import { textMessage } from '../../views/kit.js';
import { boughtMessage, licensesMessage } from '../../views/licenses-message.js';
import { productUsersButtons, selfServiceBlocks } from '../../views/licenses-page-views.js';
import { isLicensesPageSubcommand, LICENSES_PAGE_SUBCOMMANDS, licensesPageSubcommand } from './licenses-page.js';
import { isSeatsSubcommand, LICENSES_SEATS_SUBCOMMANDS, licensesSeatsSubcommand } from './licenses-seats.js';
import { seatButtons } from '../../views/seat-alert-views.js';

/** Every `/licenses` subcommand Roster knows (manifest.yml's usage hint lists them; a test keeps the two equal). */
export const LICENSES_SUBCOMMANDS: readonly string[] = ['list', 'buy', 'warn', ...LICENSES_PAGE_SUBCOMMANDS, ...LICENSES_SEATS_SUBCOMMANDS, 'help'];

/**
 * `/licenses`, `/licenses buy <product> <quantity>` and `/licenses warn <seats>`. A purchase or a
 * new warning is rehearsed or checked before the ack (which says the outcome) and made after it.
 */
export function licensesCommand(deps: ListenerDeps) {
  return async (args: CommandArgs): Promise<Plan<CommandReply>> => {
    const { command } = args;
    const tell = followUp(args);
    const words = command.text.trim().split(/\s+/).filter(Boolean);
    const actor = { teamId: command.team_id, slackUserId: command.user_id };
    const sub = (words[0] ?? '').toLowerCase();
    if (sub === '' || sub === 'list') {
      const result = await listLicenses(deps.core, actor);
      if (!result.ok) return { reply: ephemeral(textMessage(result.message)) };
      const message = licensesMessage(result.organizationName, result.licenses, result.connected);
      const selfService = await listSelfService(deps.core, actor);
      const extra = [
        ...(selfService.ok ? selfServiceBlocks(selfService.subscriptions) : []),
        ...seatButtons(),
        ...productUsersButtons(result.licenses.map((l) => l.product)),
      ];
      return { reply: ephemeral({ ...message, blocks: [...message.blocks, ...extra].slice(0, 50) }) };
    }
    if (isLicensesPageSubcommand(sub)) return licensesPageSubcommand(deps, actor, sub, words.slice(1), command.trigger_id, tell);
    if (isSeatsSubcommand(sub)) return licensesSeatsSubcommand(deps, command, sub, words.slice(1), tell);
    if (sub === 'help') return { reply: ephemeral(helpMessage(LICENSES_HELP)) };
    if (sub === 'warn') {
      const checked = await checkSeatWarning(deps.core, actor, words[1] ?? '');
      if (!checked.ok) return { reply: ephemeral(textMessage(checked.message)) };
      const text =
        checked.threshold > 0
          ? `The App Home now warns when fewer than ${checked.threshold} seats of a product are left.`
          : 'The App Home no longer warns about seats running low.';
      return {
        reply: ephemeral(textMessage(text)),
        after: change('set the seat warning', async () => {
          const result = await setSeatWarning(deps.core, actor, words[1] ?? '');
          if (!result.ok) await tell(textMessage(`The seat warning was not changed: ${result.message}`));
        }),
      };
    }
    if (sub !== 'buy') return { reply: ephemeral(helpMessage(LICENSES_HELP, `Roster doesn't know \`/licenses ${words[0]}\`.`)) };
    // A connected tenant's licenses are bought in its admin center, whatever the quantity typed.
    const may = await mayBuyLicenses(deps.core, actor);
    if (!may.ok && may.code === 'unsupported') return { reply: ephemeral(textMessage(may.message)) };
    const quantityText = words.length >= 3 ? words[words.length - 1]! : '';
    if (!/^\d+$/.test(quantityText)) {
      return { reply: ephemeral(helpMessage(LICENSES_HELP, 'Say how many licenses to buy, after the product: `/licenses buy business basic 10`.')) };
    }
    const input = { product: words.slice(1, -1).join(' '), quantity: Number(quantityText) };
    const rehearsal = await buyLicenses(deps.core, actor, { ...input, dryRun: true });
    if (!rehearsal.ok) return { reply: ephemeral(textMessage(rehearsal.message)) };
    return {
      reply: ephemeral(boughtMessage(rehearsal)),
      after: change('buy the licenses', async () => {
        const result = await buyLicenses(deps.core, actor, input);
        if (!result.ok) await tell(textMessage(result.code === 'pending_approval' ? result.message : `Nothing was bought: ${result.message}`));
      }),
    };
  };
}
