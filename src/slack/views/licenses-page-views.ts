import type { View } from '@slack/types';
import type { Product } from '../../core/catalogue/catalogue.js';
import type { ProductChangeResult } from '../../core/licenses/product-change.js';
import type { SelfServiceLine } from '../../core/licenses/take-over-subscription.js';
import type { Blocks } from '../slack-port.js';
import { button, context, esc, header, option, plain, section } from './kit.js';
import { ACTION, VALUE } from './ids.js';
import { LIFECYCLE, MAX_PICKED_USERS } from './lifecycle-ids.js';

/** `/licenses assign|unassign <product>`: pick up to 20 users by typing their names; for assign, apps to turn off. */
export function productChangeModal(product: Product, direction: 'assign' | 'unassign', seatsLeft: number): View {
  const assign = direction === 'assign';
  return {
    type: 'modal',
    callback_id: assign ? LIFECYCLE.assignProduct : LIFECYCLE.unassignProduct,
    private_metadata: product.partNumber,
    title: plain(assign ? 'Assign licenses' : 'Unassign licenses', 24),
    submit: plain(assign ? 'Assign' : 'Unassign', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(`*${esc(product.displayName)}* \`${product.partNumber}\`${assign ? ` · ${seatsLeft} available` : ''}`),
      {
        type: 'input',
        block_id: LIFECYCLE.usersBlock,
        label: plain(`Users (up to ${MAX_PICKED_USERS})`),
        element: {
          type: 'multi_external_select',
          action_id: VALUE,
          min_query_length: 1,
          max_selected_items: MAX_PICKED_USERS,
          placeholder: plain('Type a name or username'),
        },
      },
      ...(assign && product.plans.length >= 2
        ? [
            {
              type: 'input' as const,
              block_id: LIFECYCLE.appsBlock,
              optional: true,
              label: plain('Apps to turn off'),
              hint: plain(`Users who already have ${product.displayName} keep the apps they turned off; these are turned off too.`),
              element: {
                type: 'multi_static_select' as const,
                action_id: VALUE,
                placeholder: plain('All apps on'),
                options: product.plans.slice(0, 100).map((plan) => option(plan.displayName, plan.id)),
              },
            },
          ]
        : []),
    ],
  };
}

/** The results of an assign or unassign: done, and not done with every problem and its fix. */
export function productChangeResultMessage(result: ProductChangeResult, direction: 'assign' | 'unassign'): { text: string; blocks: Blocks } {
  const verb = direction === 'assign' ? 'Assigned' : 'Unassigned';
  const text = `${result.dryRun ? '(dry run) ' : ''}${verb} ${result.product.displayName} ${direction === 'assign' ? 'to' : 'from'} ${result.done.length} user${result.done.length === 1 ? '' : 's'}; ${result.notDone.length} not done.`;
  const blocks: Blocks = [section(esc(text))];
  if (result.done.length)
    blocks.push(
      section(
        `*Done*\n${result.done
          .slice(0, 50)
          .map((d) => `• \`${esc(d.userPrincipalName)}\``)
          .join('\n')}`,
      ),
    );
  if (result.notDone.length) {
    blocks.push(
      section(
        `*Not done*\n${result.notDone
          .slice(0, 30)
          .map((n) => `• \`${esc(n.name)}\`: ${esc(n.problems.join(' '))}`)
          .join('\n')}`,
      ),
    );
  }
  return { text: esc(text), blocks };
}

/** Users listed one per row, each with an Apps button (a message holds at most 50 blocks). */
const USERS_WITH_BUTTONS = 40;

export function productUsersMessage(
  product: Product,
  users: readonly { id?: string; userPrincipalName: string; displayName: string }[],
  count: number,
): { text: string; blocks: Blocks } {
  const text = `${count} user${count === 1 ? '' : 's'} with ${product.displayName}`;
  if (count === 0)
    return { text: esc(text), blocks: [section(`Nobody has *${esc(product.displayName)}* yet. Assign it with \`/licenses assign ${product.partNumber}\`.`)] };
  const line = (u: { displayName: string; userPrincipalName: string }) => `${esc(u.displayName)} \`${esc(u.userPrincipalName)}\``;
  const blocks: Blocks = [header(esc(text))];
  const rows = users.slice(0, USERS_WITH_BUTTONS);
  // Each user's apps of the product (and their other licenses) open from the row, as on the admin center's pane.
  for (const [index, u] of rows.entries())
    blocks.push(
      u.id
        ? {
            type: 'section',
            block_id: `product_user_${index}`,
            text: { type: 'mrkdwn', text: line(u) },
            accessory: button('Apps', ACTION.userRowAction, undefined, `licenses:${u.id}`),
          }
        : section(`• ${line(u)}`),
    );
  const rest = users.slice(USERS_WITH_BUTTONS).map((u) => `• ${line(u)}`);
  for (let i = 0; i < rest.length; i += 25) blocks.push(section(rest.slice(i, i + 25).join('\n')));
  if (count > users.length) blocks.push(context(`The first ${users.length} by display name of ${count}.`));
  return { text: esc(text), blocks: blocks.slice(0, 50) };
}

/** Self-service subscriptions for `/licenses`, marked, with how to take each over. */
export function selfServiceBlocks(lines: readonly SelfServiceLine[]): Blocks {
  if (lines.length === 0) return [];
  return [
    section(
      `*Self-service (bought by members, not assignable until taken over)*\n${lines
        .map(
          (l) =>
            `:shopping_trolley: *${esc(l.product.displayName)}* \`${l.product.partNumber}\`: ${l.quantity} seats · take over: \`/licenses takeover ${l.product.partNumber}\``,
        )
        .join('\n')}`,
    ),
  ];
}

/** A "Users" button per product (value: part number), for `/licenses`. */
export function productUsersButtons(products: readonly Product[]): Blocks {
  const buttons = products.slice(0, 25).map((p) => button(`Users: ${p.displayName}`, `${LIFECYCLE.productUsers}:${p.skuId}`, undefined, p.partNumber));
  const blocks: Blocks = [];
  for (let i = 0; i < buttons.length; i += 5) blocks.push({ type: 'actions', elements: buttons.slice(i, i + 5) });
  return blocks;
}
