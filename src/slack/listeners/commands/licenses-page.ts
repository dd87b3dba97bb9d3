import type { MemberActor } from '../../../core/context.js';
import { changeQuantity } from '../../../core/licenses/change-quantity.js';
import { productChangeForm } from '../../../core/licenses/product-target.js';
import { productUsers } from '../../../core/licenses/product-users.js';
import { takeOverSubscription } from '../../../core/licenses/take-over-subscription.js';
import type { ListenerDeps } from '../../deps.js';
import { afterAck } from '../../services/after-ack.js';
import { textMessage } from '../../views/kit.js';
import { productChangeModal, productUsersMessage } from '../../views/licenses-page-views.js';

type Ack = (response?: object) => Promise<void>;

/**
 * `/licenses assign|unassign <product>` (the forms), `/licenses users <product>`,
 * `/licenses set <product> <quantity>`, `/licenses takeover <product>`. False for anything else.
 */
export async function licensesPageSubcommand(
  deps: ListenerDeps,
  actor: MemberActor,
  sub: string,
  words: string[],
  triggerId: string,
  ack: Ack,
): Promise<boolean> {
  const reply = (text: string) => ack({ response_type: 'ephemeral', ...textMessage(text) });
  const product = words.join(' ');
  switch (sub) {
    case 'assign':
    case 'unassign': {
      const form = await productChangeForm(deps.core, actor, product);
      if (!form.ok) return reply(form.message).then(() => true);
      await ack();
      await afterAck(deps, actor.slackUserId, `open the ${sub} form`, () =>
        deps.slack.openView(triggerId, productChangeModal(form.product, sub, form.available)).then(() => undefined),
      );
      return true;
    }
    case 'users': {
      const result = await productUsers(deps.core, actor, product);
      await ack({ response_type: 'ephemeral', ...(result.ok ? productUsersMessage(result.product, result.users, result.count) : textMessage(result.message)) });
      return true;
    }
    case 'set': {
      const quantity = words.at(-1) ?? '';
      if (words.length < 2 || !/^\d+$/.test(quantity))
        return reply('Say the product and the new number of licenses: `/licenses set business basic 8`.').then(() => true);
      const result = await changeQuantity(deps.core, actor, { product: words.slice(0, -1).join(' '), quantity: Number(quantity) });
      await reply(result.ok ? `${result.product.displayName}: ${result.total} licenses (was ${result.before}); ${result.assigned} assigned.` : result.message);
      return true;
    }
    case 'takeover': {
      const result = await takeOverSubscription(deps.core, actor, { product });
      await reply(
        result.ok
          ? `Took over ${result.product.displayName}: its ${result.seats} self-service seats can now be assigned (${result.total - result.assigned} available of ${result.total}).`
          : result.message,
      );
      return true;
    }
    default:
      return false;
  }
}
