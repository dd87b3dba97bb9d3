import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { buyLicenses } from '../../../core/licenses/buy-licenses.js';
import { setSeatWarning } from '../../../core/tenant/set-seat-warning.js';
import { listLicenses } from '../../../core/licenses/list-licenses.js';
import type { ListenerDeps } from '../../deps.js';
import { helpMessage, LICENSES_HELP } from '../../views/help-message.js';
import { textMessage } from '../../views/kit.js';
import { boughtMessage, licensesMessage } from '../../views/licenses-message.js';
import { listSelfService } from '../../../core/licenses/take-over-subscription.js';
import { productUsersButtons, selfServiceBlocks } from '../../views/licenses-page-views.js';
import { licensesPageSubcommand } from './licenses-page.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/licenses`, `/licenses buy <product> <quantity>` and `/licenses warn <seats>`. */
export function licensesCommand(deps: ListenerDeps) {
  return async ({ command, ack }: Args): Promise<void> => {
    const words = command.text.trim().split(/\s+/).filter(Boolean);
    const actor = { teamId: command.team_id, slackUserId: command.user_id };
    const sub = (words[0] ?? '').toLowerCase();
    if (sub === '' || sub === 'list') {
      const result = await listLicenses(deps.core, actor);
      if (!result.ok) {
        await ack({ response_type: 'ephemeral', ...textMessage(result.message) });
        return;
      }
      const message = licensesMessage(result.organizationName, result.licenses);
      const selfService = await listSelfService(deps.core, actor);
      const extra = [...(selfService.ok ? selfServiceBlocks(selfService.subscriptions) : []), ...productUsersButtons(result.licenses.map((l) => l.product))];
      await ack({ response_type: 'ephemeral', ...message, blocks: [...message.blocks, ...extra].slice(0, 50) });
      return;
    }
    if (await licensesPageSubcommand(deps, actor, sub, words.slice(1), command.trigger_id, ack)) return;
    if (sub === 'help') {
      await ack({ response_type: 'ephemeral', ...helpMessage(LICENSES_HELP) });
      return;
    }
    if (sub === 'warn') {
      const result = await setSeatWarning(deps.core, actor, words[1] ?? '');
      const text = result.ok
        ? result.threshold > 0
          ? `The App Home now warns when fewer than ${result.threshold} seats of a product are left.`
          : 'The App Home no longer warns about seats running low.'
        : result.message;
      await ack({ response_type: 'ephemeral', ...textMessage(text) });
      return;
    }
    if (sub !== 'buy') {
      await ack({ response_type: 'ephemeral', ...helpMessage(LICENSES_HELP, `Roster doesn't know \`/licenses ${words[0]}\`.`) });
      return;
    }
    const quantityText = words.length >= 3 ? words[words.length - 1]! : '';
    if (!/^\d+$/.test(quantityText)) {
      await ack({
        response_type: 'ephemeral',
        ...helpMessage(LICENSES_HELP, 'Say how many licenses to buy, after the product: `/licenses buy business basic 10`.'),
      });
      return;
    }
    const result = await buyLicenses(deps.core, actor, { product: words.slice(1, -1).join(' '), quantity: Number(quantityText) });
    await ack({ response_type: 'ephemeral', ...(result.ok ? boughtMessage(result) : textMessage(result.message)) });
  };
}
