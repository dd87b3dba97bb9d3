import type { KnownBlock, PlainTextOption } from '@slack/types';
import { productBySkuId } from '../../core/catalogue/catalogue.js';
import type { UserListPage } from '../../core/views/list-users.js';
import type { Blocks } from '../slack-port.js';
import { slackDateTime } from './dates.js';
import { ACTION } from './ids.js';
import { bulkButtons } from './bulk-action-views.js';
import { button, clip, context, esc, header, mrkdwn, option, plain, section } from './kit.js';
import type { ListedUser } from '../../domain/listed-user.js';

/** A row of a list: what `/users list` and `/users find` show of a user. */
/** Block Kit allows at most 10 options in one checkboxes element: one block per 10 rows. */
const ROWS_PER_CHECKBOXES = 10;

/** A button's value naming a page: the view and where the page starts or ends (keyset). */
export interface PageRef {
  view: string;
  after?: [string, string];
  before?: [string, string];
}

export function pageValue(ref: PageRef): string {
  return JSON.stringify(ref);
}

function rowActions(user: ListedUser) {
  const options: PlainTextOption[] = [
    option('Edit', `edit:${user.id}`),
    option('Licenses and apps', `licenses:${user.id}`),
    user.accountEnabled ? option('Block sign-in', `block:${user.id}`) : option('Unblock sign-in', `unblock:${user.id}`),
    option('Reset password', `reset:${user.id}`),
    option('Delete user', `delete:${user.id}`),
  ];
  return { type: 'overflow' as const, action_id: ACTION.userRowAction, options };
}

function licenseNames(skuIds: readonly string[]): string {
  if (skuIds.length === 0) return 'Unlicensed';
  return skuIds.map((id) => esc(productBySkuId(id)?.displayName ?? id)).join(', ');
}

/** One section per user (with the row actions), then checkboxes to pick rows for "Edit selected". */
export function userRows(users: readonly ListedUser[]): KnownBlock[] {
  const blocks: KnownBlock[] = users.map((user) => ({
    type: 'section',
    // One block per user, named after them: the row menu's payload says which row it came from.
    block_id: `user_row_${user.id}`.slice(0, 255),
    text: mrkdwn(
      clip(
        `*${esc(user.displayName)}*  ${esc(user.userPrincipalName)}\n${licenseNames(user.skuIds)} · ${user.accountEnabled ? 'Sign-in allowed' : user.startsAt ? `:calendar: Starts ${slackDateTime(user.startsAt)}` : ':no_entry: Sign-in blocked'}` +
          (user.licenseError ? `\n:warning: ${esc(user.licenseError)}` : ''),
        3000,
      ),
    ),
    accessory: rowActions(user),
  }));
  for (let i = 0; i < users.length; i += ROWS_PER_CHECKBOXES) {
    blocks.push({
      type: 'actions',
      block_id: i === 0 ? 'user_rows' : `user_rows_${i / ROWS_PER_CHECKBOXES + 1}`,
      elements: [
        {
          type: 'checkboxes',
          action_id: 'select',
          options: users.slice(i, i + ROWS_PER_CHECKBOXES).map((user) => ({ text: plain(clip(esc(user.displayName), 75)), value: user.id })),
        },
      ],
    });
  }
  if (users.length > 0)
    blocks.push({
      type: 'actions',
      block_id: 'user_rows_edit',
      // The ticked rows: Edit many, or a bulk action after its confirmation (bulk-action-views.ts).
      elements: [button('Edit selected', ACTION.editSelected), ...bulkButtons(['reset_password', 'block', 'unblock', 'delete'])],
    });
  return blocks;
}

function viewMenu(result: UserListPage) {
  const toOption = (v: { ref: string; name: string }) => option(esc(v.name), v.ref);
  const groups = [{ label: plain('Standard views', 75), options: result.views.standard.map(toOption) }];
  if (result.views.custom.length > 0) groups.push({ label: plain('Custom views', 75), options: result.views.custom.slice(0, 100).map(toOption) });
  return {
    type: 'static_select' as const,
    action_id: ACTION.listView,
    placeholder: plain('Choose a view', 150),
    option_groups: groups,
    initial_option: toOption(result.view),
  };
}

/** A page of a view: the view menu, the rows, Previous / Next and Export. */
export function userListMessage(result: UserListPage): { text: string; blocks: Blocks } {
  const { page, view, total } = result;
  const size = total.capped ? `more than ${total.count.toLocaleString('en')} users` : `${total.count.toLocaleString('en')} user${total.count === 1 ? '' : 's'}`;
  const blocks: KnownBlock[] = [
    header(clip(esc(view.name), 150)),
    {
      type: 'actions',
      block_id: 'list_controls',
      elements: [
        viewMenu(result),
        button('Export CSV', ACTION.listExport, undefined, view.ref),
        ...(result.can.manageViews ? [button('Custom views', ACTION.openViews)] : []),
      ],
    },
    context(`${size} · sorted by display name`),
  ];
  if (page.rows.length === 0) blocks.push(section('No users in this view.'));
  blocks.push(...userRows(page.rows));
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  const nav = [
    ...(page.hasPrevious && first
      ? [button('Previous', `${ACTION.listPage}_prev`, undefined, pageValue({ view: view.ref, before: [first.displayName, first.id] }))]
      : []),
    ...(page.hasNext && last ? [button('Next', `${ACTION.listPage}_next`, undefined, pageValue({ view: view.ref, after: [last.displayName, last.id] }))] : []),
  ];
  if (nav.length > 0) blocks.push({ type: 'actions', block_id: 'list_pages', elements: nav });
  return { text: esc(`${view.name}: ${size}`), blocks };
}

/** `/users find`: the best matches, with the same row actions. */
export function findResultsMessage(query: string, users: readonly ListedUser[], limit: number): { text: string; blocks: Blocks } {
  if (users.length === 0)
    return { text: esc(`No user matches "${query}".`), blocks: [section(esc(`No user's name, username or alias starts with "${query}".`))] };
  const more = users.length >= limit ? ` (the first ${limit}; type more to narrow it down)` : '';
  return {
    text: esc(`${users.length} users match "${query}"`),
    blocks: [context(esc(`${users.length} match${users.length === 1 ? 'es' : ''} for "${clip(query, 100)}"${more}`)), ...userRows(users)],
  };
}
