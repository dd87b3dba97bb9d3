import type { MemberActor } from '../../../core/context.js';
import { changeQuantity } from '../../../core/licenses/change-quantity.js';
import { productChangeForm } from '../../../core/licenses/product-target.js';
import { productUsers } from '../../../core/licenses/product-users.js';
import { takeOverSubscription } from '../../../core/licenses/take-over-subscription.js';
import type { ListenerDeps } from '../../deps.js';
import { change, read, type Plan } from '../../services/answer.js';
import { ephemeral, type CommandReply, type FollowUp } from '../../services/answering.js';
import { textMessage } from '../../views/kit.js';
import { productChangeModal, productUsersMessage } from '../../views/licenses-page-views.js';

const say = (text: string): Plan<CommandReply> => ({ reply: ephemeral(textMessage(text)) });

export const LICENSES_PAGE_SUBCOMMANDS = ['assign', 'unassign', 'users', 'set', 'takeover'] as const;
export type LicensesPageSubcommand = (typeof LICENSES_PAGE_SUBCOMMANDS)[number];

export function isLicensesPageSubcommand(sub: string): sub is LicensesPageSubcommand {
  return (LICENSES_PAGE_SUBCOMMANDS as readonly string[]).includes(sub);
}

/**
 * `/licenses assign|unassign <product>` (the forms), `/licenses users <product>`,
 * `/licenses set <product> <quantity>`, `/licenses takeover <product>`.
 * A change is rehearsed before the ack (its answer), made after it; a failure then follows.
 */
export async function licensesPageSubcommand(
  deps: ListenerDeps,
  actor: MemberActor,
  sub: LicensesPageSubcommand,
  words: string[],
  triggerId: string,
  tell: FollowUp,
): Promise<Plan<CommandReply>> {
  const product = words.join(' ');
  switch (sub) {
    case 'assign':
    case 'unassign': {
      const form = await productChangeForm(deps.core, actor, product);
      if (!form.ok) return say(form.message);
      return {
        after: read(`open the ${sub} form`, async () => {
          await deps.slack.openView(triggerId, productChangeModal(form.product, sub, form.available));
        }),
      };
    }
    case 'users': {
      const result = await productUsers(deps.core, actor, product);
      return { reply: ephemeral(result.ok ? productUsersMessage(result.product, result.users, result.count) : textMessage(result.message)) };
    }
    case 'set': {
      const quantity = words.at(-1) ?? '';
      if (words.length < 2 || !/^\d+$/.test(quantity)) return say('Say the product and the new number of licenses: `/licenses set business basic 8`.');
      const input = { product: words.slice(0, -1).join(' '), quantity: Number(quantity) };
      const rehearsal = await changeQuantity(deps.core, actor, { ...input, dryRun: true });
      if (!rehearsal.ok) return say(rehearsal.message);
      return {
        ...say(`${rehearsal.product.displayName}: ${rehearsal.total} licenses (was ${rehearsal.before}); ${rehearsal.assigned} assigned.`),
        after: change('change the number of licenses', async () => {
          const result = await changeQuantity(deps.core, actor, input);
          if (!result.ok) await tell(textMessage(`The number of ${rehearsal.product.displayName} licenses was not changed: ${result.message}`));
        }),
      };
    }
    case 'takeover': {
      const rehearsal = await takeOverSubscription(deps.core, actor, { product, dryRun: true });
      if (!rehearsal.ok) return say(rehearsal.message);
      const available = rehearsal.total - rehearsal.assigned;
      return {
        ...say(
          `Took over ${rehearsal.product.displayName}: its ${rehearsal.seats} self-service seats can now be assigned (${available} available of ${rehearsal.total}).`,
        ),
        after: change('take over the subscription', async () => {
          const result = await takeOverSubscription(deps.core, actor, { product });
          if (!result.ok) await tell(textMessage(`${rehearsal.product.displayName} was not taken over: ${result.message}`));
        }),
      };
    }
  }
}
